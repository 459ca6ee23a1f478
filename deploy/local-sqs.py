#!/usr/bin/env python3
"""A local SQS for tests and `make local`: moto's server on 127.0.0.1 with real SigV4 checks.

Starts moto on a free port, creates an IAM user allowed sqs:*, its access key, a role and temporary credentials
for it (STS AssumeRole, with a session token), the delivery queue and its dead-letter queue (redrive policy as in
template.yaml), then switches signature verification on and writes everything as one JSON object to --info-file.
Serves until it is terminated or its parent process ends. Run it with the python of deploy/fetch-moto.sh.
With --ssl-cert and --ssl-key it serves HTTPS instead, through the moto_server command (the threaded server
cannot); --ca-file is then the authority the setup calls trust.
"""
import argparse
import json
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request

import boto3
from moto.server import ThreadedMotoServer

from free_ports import free_ports

ACCOUNT = "123456789012"
REGION = "us-east-1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--info-file", required=True)
    parser.add_argument("--max-receive-count", type=int, default=12)
    parser.add_argument("--visibility-timeout", type=int, default=60)
    parser.add_argument("--ssl-cert")
    parser.add_argument("--ssl-key")
    parser.add_argument("--ca-file")
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log line per request
    port = free_ports(1)[0]
    tls = bool(args.ssl_cert)
    if tls:
        server = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port),
             "--ssl-cert", args.ssl_cert, "--ssl-key", args.ssl_key], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):  # bounded: 30 s
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
    else:
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
    endpoint = "%s://127.0.0.1:%d" % ("https" if tls else "http", port)
    # Signature checks are off until reset-auth below, so these setup calls need no real key.
    setup = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="setup", aws_secret_access_key="setup",
                 verify=args.ca_file if tls else None)
    iam = boto3.client("iam", **setup)
    allow_sqs = json.dumps({"Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": ["sqs:*"], "Resource": "*"}]})
    policy = iam.create_policy(PolicyName="intercom-fullstory-sqs", PolicyDocument=allow_sqs)["Policy"]["Arn"]
    iam.create_user(UserName="intercom-fullstory")
    iam.attach_user_policy(UserName="intercom-fullstory", PolicyArn=policy)
    key = iam.create_access_key(UserName="intercom-fullstory")["AccessKey"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="intercom-fullstory-function", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.attach_role_policy(RoleName="intercom-fullstory-function", PolicyArn=policy)
    assumed = boto3.client("sts", **setup).assume_role(RoleArn=role, RoleSessionName="lambda")["Credentials"]

    sqs = boto3.client("sqs", **setup)
    dead_letter = sqs.create_queue(QueueName="intercom-fullstory-dead-letter",
                                   Attributes={"MessageRetentionPeriod": "1209600"})["QueueUrl"]
    dead_letter_arn = sqs.get_queue_attributes(QueueUrl=dead_letter, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    delivery = sqs.create_queue(QueueName="intercom-fullstory-delivery", Attributes={
        "VisibilityTimeout": str(args.visibility_timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": args.max_receive_count}),
    })["QueueUrl"]

    request = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0",
                                     headers={"Content-Type": "text/plain"}, method="POST")
    context = ssl.create_default_context(cafile=args.ca_file) if tls else None
    urllib.request.urlopen(request, timeout=10, context=context).read()

    info = {
        "endpoint": endpoint, "region": REGION, "account": ACCOUNT,
        "user": {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]},
        "role": {"access_key_id": assumed["AccessKeyId"], "secret_access_key": assumed["SecretAccessKey"],
                 "session_token": assumed["SessionToken"]},
        "queues": {"delivery": delivery, "dead_letter": dead_letter, "dead_letter_arn": dead_letter_arn},
    }
    with open(args.info_file + ".tmp", "w") as out:
        json.dump(info, out)
    os.replace(args.info_file + ".tmp", args.info_file)

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    parent = os.getppid()
    while not stopping and os.getppid() == parent:  # ends with the test process or script that started it
        time.sleep(0.2)
    if tls:
        server.terminate()
        server.wait(timeout=10)
    else:
        server.stop()


if __name__ == "__main__":
    main()
