#!/usr/bin/env python3
"""`make soak`: 10,000 consecutive invocations of mixed events through the lean Runtime API server
(runtime-api-bench.c --soak) against loopback stand-ins. Passes when there are zero unexpected responses,
RSS grows by less than 1 MB after warm-up, open descriptors do not change, every FullStory request is a
valid CreateEventRequest (../shared/reference/fullstory-events.swagger.json), and the function's log holds
no secret, no signature and no customer message text.
"""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BENCH, ROOT, build_bootstrap_and_harness  # noqa: E402

SWAGGER = os.path.join(ROOT, "..", "shared", "reference", "fullstory-events.swagger.json")
COUNT = int(os.environ.get("SOAK_INVOCATIONS", "10000"))
WARM_UP = 1000
SECRETS = ["bench-key", "test-intercom-client-secret", "bench-token"]


def validator():
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
        events = [("closed.v1", 200, True), ("rated.v2", 200, True), ("opened.v1", 200, True), ("ping.v1", 200, False),
                  ("bad-signature.v1", 401, False), ("ignored-topic.v2", 200, False), ("head.v2", 200, False)]
        specs = [f"{ROOT}/events/{name}.json:{status}" for name, status, _ in events]
        specs.append(f"{malformed_event(work)}:400")
        record, log = os.path.join(work, "fullstory.jsonl"), os.path.join(work, "function.log")
        result = subprocess.run([f"{BENCH}/runtime-api-bench", "--soak", bootstrap, str(COUNT),
                                 str(WARM_UP), record, log] + specs, stdout=subprocess.PIPE, text=True)
        figures = json.loads(result.stdout)
        with open(record) as lines:
            bodies = [json.loads(line) for line in lines if line.strip()]
        with open(log) as lines:
            log_text = lines.read()

    kinds = len(specs)
    forwarded = sum(1 for i in range(COUNT) if i % kinds < len(events) and events[i % kinds][2])
    invalid = [error.message for body in bodies for error in check.iter_errors(body)]
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
        ("requests not matching CreateEventRequest", len(invalid), not invalid),
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
