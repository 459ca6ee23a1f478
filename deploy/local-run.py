#!/usr/bin/env python3
"""The driver of `make local` (deploy/local.sh starts the emulator, the FullStory stand-in and moto first).

Invokes the emulator with each event file and prints a table; with --outage it then takes the stand-in down,
sends a few webhooks (queued), brings it back and drains the delivery queue through the emulator the way
Lambda's SQS event source mapping does (receive up to 10, invoke with an SQS event, delete all but the reported
failures), and checks that every queued event was delivered exactly once. Run with the python of
deploy/fetch-moto.sh (it needs boto3).
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request

import boto3

OUTAGE_EVENTS = ["closed.v1.json", "rated.v2.json", "opened.v1.json"]


class Local:
    def __init__(self, port, work):
        self.url = "http://127.0.0.1:%s/2015-03-31/functions/function/invocations" % port
        self.work = work
        self.log_offsets = {}
        with open(os.path.join(work, "sqs.json")) as info:
            self.sqs_info = json.load(info)
        role = self.sqs_info["role"]
        self.sqs = boto3.client("sqs", endpoint_url=self.sqs_info["endpoint"], region_name=self.sqs_info["region"],
                                aws_access_key_id=role["access_key_id"], aws_secret_access_key=role["secret_access_key"],
                                aws_session_token=role["session_token"])

    def wait_until_listening(self):
        for _ in range(200):  # the emulator starts in well under a second
            try:
                urllib.request.urlopen(self.url.rsplit("/2015", 1)[0] + "/", timeout=0.2)
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.05)

    def invoke(self, event_bytes):
        request = urllib.request.Request(self.url, data=event_bytes, method="POST")
        with urllib.request.urlopen(request, timeout=15) as answer:
            return json.load(answer)

    def received(self, stand_in="fullstory"):
        path = os.path.join(self.work, stand_in + ".jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as lines:
            return [json.loads(line) for line in lines if line.strip()]

    def print_stand_in_lines(self):
        """What the stand-ins printed since the last call."""
        for name in ("intercom.log", "fullstory.log", "absmartly.log"):
            path = os.path.join(self.work, name)
            if not os.path.exists(path):
                continue
            with open(path) as log:
                log.seek(self.log_offsets.get(name, 0))
                sys.stdout.write(log.read())
                self.log_offsets[name] = log.tell()

    def intercom(self, method, path, body=None):
        with open(os.path.join(self.work, "intercom.port")) as port:
            url = "http://127.0.0.1:%s%s" % (port.read().strip(), path)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.load(answer)

    def queue_counts(self, name):
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.sqs_info["queues"][name], AttributeNames=["All"])
        attributes = attributes["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def table(rows, header):
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


def run_events(local, files):
    rows = []
    for path in files:
        before, goals_before = len(local.received()), len(local.received("absmartly"))
        with open(path, "rb") as event:
            response = local.invoke(event.read())
        sent = [r for r in local.received()[before:] if r["status"] == 200]
        goals = [g["name"] for r in local.received("absmartly")[goals_before:] for g in r["goals"]]
        status = response.get("statusCode", "error: %s" % response.get("errorMessage", response))
        names = ", ".join(r["body"]["name"] for r in sent) or "-"
        links = ", ".join(r["link"] for r in sent) or "-"
        rows.append((os.path.basename(path), str(status), names, links, ", ".join(goals) or "-"))
    local.print_stand_in_lines()
    print()
    table(rows, ("event file", "status", "FullStory event", "session link", "ABsmartly goal"))


def signed(body):
    """A REST API (payload 1.0) event around a notification body, signed as Intercom signs it."""
    secret = os.environ.get("INTERCOM_CLIENT_SECRET", "test-intercom-client-secret").encode()
    signature = "sha1=" + hmac.new(secret, body.encode(), hashlib.sha1).hexdigest()
    return json.dumps({"httpMethod": "POST", "path": "/intercom", "headers": {"X-Hub-Signature": signature},
                       "requestContext": {"requestId": "local"}, "body": body, "isBase64Encoded": False}).encode()


def run_pinning(local):
    conversation, contact = "215472621209999", "696205460674dbb9050aa7fd"
    print("\nSession pinning: a conversation opened in the Messenger")
    with open("events/bodies/opened.json") as source:
        opened = source.read().replace("215472621202693", conversation).replace("notif_3b8c6d2f", "notif_local-pin")
    before = len(local.received())
    response = local.invoke(signed(opened))
    local.print_stand_in_lines()
    pin = local.intercom("GET", "/conversations/" + conversation)["custom_attributes"].get("fs_session_id")
    opened_link = ", ".join(r["link"] for r in local.received()[before:]) or "-"
    print("answer %s; the Opened event: %s; pinned on the conversation: %s" % (response.get("statusCode"), opened_link, pin))

    later = "5843956264747008:1000000000000000001"
    local.intercom("POST", "/_local/contacts/" + contact, {"fs_session_id": later})
    print("\nA later visit: the contact's fs_session_id is now %s; the conversation is closed" % later)
    with open("events/bodies/closed.json") as source:
        closed = source.read().replace("215472621202693", conversation).replace("notif_0c9a7a1e", "notif_local-pin")
    # Intercom sends the conversation's attributes with every later event of it.
    closed = closed.replace('"custom_attributes":{', '"custom_attributes":{"fs_session_id":%s,' % json.dumps(pin), 1)
    before = len(local.received())
    response = local.invoke(signed(closed))
    local.print_stand_in_lines()
    links = [r["link"] for r in local.received()[before:] if r["status"] == 200]
    pinned_id = "5843956264747008:7277829567598157832"
    on_pin = bool(pin) and links == ["session.id " + pinned_id]
    print("answer %s; the Closed event: %s; on the pinned session, not the later visit: %s"
          % (response.get("statusCode"), ", ".join(links) or "-", "yes" if on_pin else "NO"))
    return on_pin


def run_outage(local):
    down = os.path.join(local.work, "fullstory.down")
    print("\nOutage: the FullStory stand-in answers 503 while these webhooks arrive")
    open(down, "w").close()
    rows = []
    for name in OUTAGE_EVENTS:
        with open(os.path.join("events", name), "rb") as event:
            response = local.invoke(event.read())
        answer = json.loads(response.get("body") or "{}")
        rows.append((name, str(response.get("statusCode")), "%s (%s)" % (answer.get("status"), answer.get("event", "-"))))
    local.print_stand_in_lines()
    table(rows, ("event file", "status", "answer"))
    queued = local.queue_counts("delivery")
    print("delivery queue: %d messages" % queued)

    os.remove(down)
    print("\nFullStory back: the delivery queue drained through the emulator, as Lambda's SQS event source mapping does")
    start = len(local.received())
    queue = local.sqs_info["queues"]["delivery"]
    for batch in range(1, 20):
        messages = local.sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                             MessageSystemAttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                    "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:local",
                    "awsRegion": "us-east-1"} for m in messages]
        answer = local.invoke(json.dumps({"Records": records}).encode())
        failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] not in failed:
                local.sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        print("SQS batch %d: %d records, %d reported failed" % (batch, len(records), len(failed)))
    local.print_stand_in_lines()
    delivered = {}
    for record in local.received()[start:]:
        if record["status"] == 200:
            delivered[record["idempotency_key"]] = delivered.get(record["idempotency_key"], 0) + 1
    once = len(delivered) == queued and all(count == 1 for count in delivered.values())
    print("delivered %d of %d queued events, each once: %s; delivery queue %d, dead-letter queue %d"
          % (len(delivered), queued, "yes" if once else "NO", local.queue_counts("delivery"),
             local.queue_counts("dead_letter")))
    return once


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoke-port", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--outage", action="store_true")
    parser.add_argument("--pinning", action="store_true")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    local = Local(args.invoke_port, args.work)
    local.wait_until_listening()
    run_events(local, args.files)
    if args.pinning and os.environ.get("INTERCOM_PIN_SESSIONS", "true") == "true" and not run_pinning(local):
        sys.exit(1)
    if args.outage and not run_outage(local):
        sys.exit(1)


if __name__ == "__main__":
    main()
