#!/usr/bin/env python3
"""`make soak`: 10,000 consecutive invocations of mixed events through the lean Runtime API server
(runtime-api-bench.c --soak) against loopback stand-ins, with moto's server as the delivery queue and session
pinning and the ABsmartly destination on: webhooks delivered (opened ones pinned, closed and rated ones also
published as goals), refused, ignored and queued (FullStory refusing the key), and SQS batches redelivered (events,
a queued pin and a queued goal), partly foreign and failing (rescheduled). Passes when there are zero unexpected responses, RSS grows by less than 1 MB after
warm-up, open descriptors do not change, every FullStory request is a valid CreateEventRequest
(../shared/reference/fullstory-events.swagger.json, when present), every queued event is in SQS, and the
function's log holds no secret, no signature and no customer message text.
"""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BENCH, ROOT, build_bootstrap_and_harness, run  # noqa: E402

SWAGGER = os.path.join(ROOT, "..", "shared", "reference", "fullstory-events.swagger.json")
COUNT = int(os.environ.get("SOAK_INVOCATIONS", "10000"))
WARM_UP = 1000
SECRETS = ["bench-key", "test-intercom-client-secret", "bench-token", "bench-absmartly-key"]


def validator():
    """The CreateEventRequest schema's validator; None in a clone without ../shared beside it."""
    if not os.path.exists(SWAGGER):
        return None
    try:
        import jsonschema
    except ImportError:
        venv = os.path.join(ROOT, ".build", "tools-venv")
        if not os.path.exists(venv):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "jsonschema"], check=True)
        sys.path.insert(0, next(os.path.join(root, d) for root, dirs, _ in os.walk(os.path.join(venv, "lib"))
                                for d in dirs if d == "site-packages"))
        import jsonschema
    with open(SWAGGER) as spec:
        swagger = json.load(spec)
    schema = {"$ref": "#/definitions/fullstory.v2.events.CreateEventRequest", "definitions": swagger["definitions"]}
    return jsonschema.Draft4Validator(schema)


def message_texts():
    texts = []

    def walk(value):
        if isinstance(value, dict):
            for key, member in value.items():
                if key in ("body", "remark") and isinstance(member, str) and len(member) > 3:
                    texts.append(member)
                walk(member)
        elif isinstance(value, list):
            for element in value:
                walk(element)

    for name in ("closed", "rated", "opened"):
        with open(os.path.join(ROOT, "events", "bodies", name + ".json")) as body:
            walk(json.load(body))
    return texts


def start_sqs(work):
    """moto's server as the delivery queue (deploy/local-sqs.py); its info and the process."""
    python = run(["deploy/fetch-moto.sh"], stdout=subprocess.PIPE).stdout.strip()
    info_file = os.path.join(work, "sqs.json")
    process = subprocess.Popen([python, "deploy/local-sqs.py", "--info-file", info_file], cwd=ROOT)
    for _ in range(600):
        if os.path.exists(info_file):
            with open(info_file) as info:
                return python, json.load(info), process
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit("soak: moto did not start")


def queued_messages(python, sqs):
    """How many messages the delivery queue holds (visible and in flight)."""
    role = sqs["role"]
    script = ("import boto3, sys; a = boto3.client('sqs', endpoint_url=sys.argv[1], region_name=sys.argv[2], "
              "aws_access_key_id=sys.argv[3], aws_secret_access_key=sys.argv[4], aws_session_token=sys.argv[5])"
              ".get_queue_attributes(QueueUrl=sys.argv[6], AttributeNames=['All'])['Attributes']; "
              "print(int(a['ApproximateNumberOfMessages']) + int(a['ApproximateNumberOfMessagesNotVisible']))")
    out = subprocess.run([python, "-c", script, sqs["endpoint"], sqs["region"], role["access_key_id"],
                          role["secret_access_key"], role["session_token"], sqs["queues"]["delivery"]],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    return int(out)


def signed_event(directory, name, body):
    signature = "sha1=" + hmac.new(b"test-intercom-client-secret", body, hashlib.sha1).hexdigest()
    event = {"httpMethod": "POST", "path": "/intercom", "headers": {"X-Hub-Signature": signature},
             "body": body.decode(), "isBase64Encoded": False, "requestContext": {"requestId": "soak"}}
    path = os.path.join(directory, name + ".json")
    with open(path, "w") as out:
        json.dump(event, out)
    return path


def refused_event(directory):
    """A closed conversation FullStory refuses as with a revoked key (the stand-in's "soak-refused" marker)."""
    with open(os.path.join(ROOT, "events", "bodies", "closed.json"), "rb") as body:
        notification = json.load(body)
    notification["id"] = "notif_soak-refused"
    notification["data"]["item"]["id"] = "soak-refused"
    return signed_event(directory, "refused", json.dumps(notification).encode())


def sqs_event(directory, name, bodies):
    # Sent now: the retry schedule follows a message's age, and these must be young ones.
    sent = int(time.time() * 1000)
    records = [{"messageId": "soak-%s-%d" % (name, index), "receiptHandle": "soak-receipt-%d" % index, "body": body,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(sent),
                               "SenderId": "AROAEXAMPLE", "ApproximateFirstReceiveTimestamp": str(sent + 40)},
                "messageAttributes": {}, "md5OfBody": "0" * 32, "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:intercom-fullstory-delivery",
                "awsRegion": "us-east-1"} for index, body in enumerate(bodies)]
    path = os.path.join(directory, name + ".json")
    with open(path, "w") as out:
        json.dump({"Records": records}, out)
    return path


def delivery_messages():
    """A queued closed event as version 1 writes it, and the same event FullStory refuses."""
    with open(os.path.join(ROOT, "Tests", "Fixtures", "messages", "closed.v1.json")) as fixture:
        message = json.load(fixture)
    refused = json.loads(json.dumps(message))
    refused["request"]["properties"]["conversation_id"] = "soak-refused"
    refused["idempotency_key"] = "00000000-0000-5000-8000-000000000001"
    return json.dumps(message), json.dumps(refused)


def goal_message():
    """A queued ABsmartly goal as version 2 writes it."""
    with open(os.path.join(ROOT, "Tests", "Fixtures", "messages", "goal.v2.json")) as fixture:
        return fixture.read().strip()


def pin_message():
    """A queued pin as version 1 writes it."""
    with open(os.path.join(ROOT, "Tests", "Fixtures", "messages", "pin.v1.json")) as fixture:
        return fixture.read().strip()


def malformed_event(directory):
    body = b'{"type":"notification_event","topic": not json'
    signature = "sha1=" + hmac.new(b"test-intercom-client-secret", body, hashlib.sha1).hexdigest()
    event = {"httpMethod": "POST", "path": "/intercom", "headers": {"X-Hub-Signature": signature},
             "body": body.decode(), "isBase64Encoded": False, "requestContext": {"requestId": "soak"}}
    path = os.path.join(directory, "malformed.json")
    with open(path, "w") as out:
        json.dump(event, out)
    return path


def main():
    bootstrap = build_bootstrap_and_harness()
    check = validator()
    with tempfile.TemporaryDirectory() as work:
        python, sqs, moto = start_sqs(work)
        try:
            message, refused_message = delivery_messages()
            # (event file, expected answer, FullStory requests it makes)
            events = [(f"{ROOT}/events/{name}.json", str(status), requests) for name, status, requests in [
                ("closed.v1", 200, 1), ("rated.v2", 200, 1), ("opened.v1", 200, 1), ("ping.v1", 200, 0),
                ("bad-signature.v1", 401, 0), ("ignored-topic.v2", 200, 0), ("head.v2", 200, 0)]]
            events += [(malformed_event(work), "400", 0), (refused_event(work), "200", 1),
                       (sqs_event(work, "redelivery", [message]), "batch=0", 1),
                       (sqs_event(work, "foreign-beside-valid", ["Test message.", message]), "batch=1", 1),
                       (sqs_event(work, "refused-redelivery", [refused_message, message]), "batch=2", 1),
                       (sqs_event(work, "pin-redelivery", [pin_message()]), "batch=0", 0),
                       (sqs_event(work, "goal-redelivery", [goal_message()]), "batch=0", 0)]
            specs = [f"{path}:{expected}" for path, expected, _ in events]
            record, log = os.path.join(work, "fullstory.jsonl"), os.path.join(work, "function.log")
            role = sqs["role"]
            environment = dict(os.environ, DELIVERY_QUEUE_URL=sqs["queues"]["delivery"], AWS_REGION=sqs["region"],
                               AWS_ACCESS_KEY_ID=role["access_key_id"], AWS_SECRET_ACCESS_KEY=role["secret_access_key"],
                               AWS_SESSION_TOKEN=role["session_token"], INTERCOM_PIN_SESSIONS="true", BENCH_ABSMARTLY="1")
            result = subprocess.run([f"{BENCH}/runtime-api-bench", "--soak", bootstrap, str(COUNT),
                                     str(WARM_UP), record, log] + specs, stdout=subprocess.PIPE, text=True,
                                    env=environment)
            figures = json.loads(result.stdout)
            queued = queued_messages(python, sqs)
        finally:
            moto.terminate()
            moto.wait()
        with open(record) as lines:
            bodies = [json.loads(line) for line in lines if line.strip()]
        with open(log) as lines:
            log_text = lines.read()
    SECRETS.extend([sqs["role"]["secret_access_key"], sqs["role"]["session_token"]])

    kinds = len(specs)
    forwarded = sum(events[i % kinds][2] for i in range(COUNT))
    refused_webhooks = sum(1 for i in range(COUNT) if events[i % kinds][0].endswith("/refused.json"))
    invalid = [error.message for body in bodies for error in check.iter_errors(body)] if check else []
    # What the schema leaves to prose: a name is required, and a session id excludes a user.
    invalid += ["no name" for body in bodies if not body.get("name")]
    invalid += ["session.id with a user" for body in bodies if "id" in body.get("session", {}) and "user" in body]
    leaks = [text[:16] for text in SECRETS + message_texts() + ["sha1="] if text in log_text]
    growth = figures["rss_at_end_kb"] - figures["rss_after_warm_up_kb"]
    checks = [
        ("unexpected responses", figures["unexpected"], figures["unexpected"] == 0),
        ("RSS growth after %d invocations (KB)" % WARM_UP, growth, growth < 1024),
        ("open descriptors after warm-up → end", "%d → %d" % (figures["descriptors_after_warm_up"],
                                                             figures["descriptors_at_end"]),
         figures["descriptors_after_warm_up"] == figures["descriptors_at_end"]),
        ("FullStory requests (expected %d)" % forwarded, len(bodies), len(bodies) == forwarded),
        ("events queued in SQS (expected %d)" % refused_webhooks, queued, queued == refused_webhooks),
        ("requests not matching CreateEventRequest", len(invalid) if check else "skipped (no ../shared)", not invalid),
        ("log lines / secrets or message text found", "%d / %s" % (log_text.count("\n"), leaks or "none"), not leaks),
    ]
    print("soak: %d invocations in %.1f s, peak RSS %.1f MB" % (COUNT, figures["seconds"], figures["peak_rss_kb"] / 1024))
    for name, value, ok in checks:
        print("  %-45s %-20s %s" % (name, value, "ok" if ok else "FAIL"))
    for message in invalid[:5]:
        print("  schema: " + message)
    sys.exit(0 if all(ok for _, _, ok in checks) else 1)


if __name__ == "__main__":
    main()
