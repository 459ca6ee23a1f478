#!/usr/bin/env python3
"""`sam package` of a release folder into an S3 bucket served by moto on 127.0.0.1, as a user's `sam deploy` or the
release workflow's `sam package` does it: the uploaded code must be the release zip byte for byte (no rebuild, no
re-zip), and LICENSE and README.md (the application's metadata) must be uploaded too.
Run with the python of deploy/fetch-moto.sh; SAM is the `sam` command to run (with the PATH this process has).

Usage: check-release-package.py --sam SAM --folder RELEASE_FOLDER
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import boto3
from moto.server import ThreadedMotoServer

BUCKET = "intercom-fullstory-release-check"
REGION = "us-east-1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sam", required=True)
    parser.add_argument("--folder", required=True)
    arguments = parser.parse_args()
    folder = os.path.abspath(arguments.folder)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = "http://127.0.0.1:%d" % server.get_host_and_port()[1]
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    s3.create_bucket(Bucket=BUCKET)
    problems = []
    try:
        with tempfile.TemporaryDirectory() as work:
            packaged = os.path.join(work, "packaged.yaml")
            environment = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION,
                               SAM_CLI_TELEMETRY="0", **credentials)
            environment.pop("AWS_SESSION_TOKEN", None)
            environment.pop("AWS_PROFILE", None)
            subprocess.run([arguments.sam, "package", "--template-file", "template.yaml", "--s3-bucket", BUCKET,
                            "--region", REGION, "--output-template-file", packaged], cwd=folder, env=environment,
                           check=True, stdout=sys.stderr)
            with open(packaged) as source:
                text = source.read()
        uploads = {
            "CodeUri": next(name for name in os.listdir(folder) if name.endswith("-lambda-x86_64.zip")),
            "LicenseUrl": "LICENSE",
            "ReadmeUrl": "README.md",
        }
        for key, local in uploads.items():
            match = re.search(r"^\s*%s: (s3://%s/\S+)\s*$" % (key, re.escape(BUCKET)), text, re.MULTILINE)
            if not match:
                problems.append("the packaged template's %s is not an s3:// address of the bucket" % key)
                continue
            object_key = match.group(1).split("/", 3)[3]
            uploaded = s3.get_object(Bucket=BUCKET, Key=object_key)["Body"].read()
            with open(os.path.join(folder, local), "rb") as source:
                if uploaded != source.read():
                    problems.append("%s uploaded as %s differs from the release's %s" % (key, object_key, local))
                else:
                    print("check-release-package: %s: s3://%s/%s is %s byte for byte (%d bytes)"
                          % (key, BUCKET, object_key, local, len(uploaded)))
    except subprocess.CalledProcessError as error:
        problems.append("sam package failed (exit %d)" % error.returncode)
    finally:
        server.stop()
    for problem in problems:
        print("check-release-package: FAIL: " + problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
