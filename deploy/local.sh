#!/usr/bin/env bash
# Runs the real `bootstrap` under the AWS Lambda Runtime Interface Emulator with a local FullStory stand-in,
# invokes it with every event in events/ (or the files given as arguments), and prints a table.
# No AWS account, Docker or FullStory credentials needed; everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

bootstrap="$(deploy/build.sh)"
emulator="$(deploy/fetch-emulator.sh)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 deploy/fullstory-stand-in.py --port-file "$work/fullstory.port" --record "$work/fullstory.jsonl" \
  2>"$work/fullstory.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/fullstory.port" ] && break; sleep 0.05; done
fullstory_port="$(cat "$work/fullstory.port")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
invoke_port="$(free_port)"
runtime_port="$(free_port)"
env -i PATH="$PATH" \
  AWS_LAMBDA_FUNCTION_TIMEOUT=10 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 \
  FULLSTORY_API_KEY="${FULLSTORY_API_KEY:-local-test-key}" \
  FULLSTORY_API_URL="http://127.0.0.1:$fullstory_port" \
  INTERCOM_CLIENT_SECRET="${INTERCOM_CLIENT_SECRET:-test-intercom-client-secret}" \
  FULLSTORY_EVENT_TOPICS="${FULLSTORY_EVENT_TOPICS:-}" \
  "$emulator" --runtime-interface-emulator-address "127.0.0.1:$invoke_port" \
  --runtime-api-address "127.0.0.1:$runtime_port" "$bootstrap" >"$work/function.log" 2>&1 &
pids+=($!)

if [ "$#" -gt 0 ]; then files=("$@"); else files=(events/*.json); fi
python3 - "$invoke_port" "$work" "${files[@]}" <<'PY'
import json, os, sys, time, urllib.request

port, work, files = sys.argv[1], sys.argv[2], sys.argv[3:]
url = "http://127.0.0.1:%s/2015-03-31/functions/function/invocations" % port
record = os.path.join(work, "fullstory.jsonl")

def received():
    if not os.path.exists(record):
        return []
    with open(record) as lines:
        return [json.loads(line) for line in lines if line.strip()]

for _ in range(200):  # the emulator starts in well under a second
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/" % port, timeout=0.2)
    except urllib.error.HTTPError:
        break
    except OSError:
        time.sleep(0.05)

def link(body):
    if "session" in body and "id" in body["session"]:
        return "session.id " + body["session"]["id"]
    if "user" in body:
        return "user.uid %s (most recent session)" % body["user"].get("uid")
    return "unlinked"

rows = []
for path in files:
    before = len(received())
    with open(path, "rb") as event:
        request = urllib.request.Request(url, data=event.read(), method="POST")
    with urllib.request.urlopen(request, timeout=15) as answer:
        response = json.load(answer)
    sent = received()[before:]
    status = response.get("statusCode", "error: %s" % response.get("errorMessage", response))
    names = ", ".join(r["body"]["name"] for r in sent) or "-"
    links = ", ".join(link(r["body"]) for r in sent) or "-"
    rows.append((os.path.basename(path), str(status), names, links))

with open(os.path.join(work, "fullstory.log")) as log:
    sys.stdout.write(log.read())
widths = [max(len(row[i]) for row in rows + [("event file", "status", "FullStory event", "session link")]) for i in range(4)]
print()
for row in [("event file", "status", "FullStory event", "session link")] + rows:
    print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
PY
if [ -n "${SHOW_LOGS:-}" ]; then cat "$work/function.log"; fi
