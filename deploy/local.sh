#!/usr/bin/env bash
# Runs the real `bootstrap` under the AWS Lambda Runtime Interface Emulator with local FullStory and Intercom
# stand-ins and moto's server as the delivery queue, invokes it with every event in events/ (or the files given as
# arguments), and prints a table. Run with all events, it then shows session pinning (a conversation opened and
# pinned, the customer's session changed by a later visit, the close still on the pinned session) and an outage: a
# few webhooks while the FullStory stand-in is down (queued), then the queue drained through the emulator as
# Lambda's SQS event source mapping does. An ABsmartly Collector stand-in receives the goals beside FullStory's
# events. INTERCOM_PIN_SESSIONS=false shows the table without pinning, ABSMARTLY=off without ABsmartly.
# No AWS account, Docker or FullStory credentials needed; everything listens on 127.0.0.1 only.
# SHOW_BODIES=1 prints each FullStory request's body; SHOW_LOGS=1 the function's log.
set -euo pipefail
cd "$(dirname "$0")/.."

# BOOTSTRAP names a bootstrap already built (the release check runs the one from the release zip).
bootstrap="${BOOTSTRAP:-$(deploy/build.sh)}"
emulator="$(deploy/fetch-emulator.sh)"
python="$(deploy/fetch-moto.sh)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 deploy/fullstory-stand-in.py --port-file "$work/fullstory.port" --record "$work/fullstory.jsonl" \
  --down-file "$work/fullstory.down" ${SHOW_BODIES:+--show-bodies} 2>"$work/fullstory.log" &
pids+=($!)
# The sample conversations' contact carries a session (what the Messenger snippet writes).
python3 deploy/intercom-stand-in.py --port-file "$work/intercom.port" \
  --contact "696205460674dbb9050aa7fd=fs_session_id=5843956264747008:7277829567598157832" 2>"$work/intercom.log" &
pids+=($!)
python3 deploy/absmartly-stand-in.py --port-file "$work/absmartly.port" --record "$work/absmartly.jsonl" \
  2>"$work/absmartly.log" &
pids+=($!)
"$python" deploy/local-sqs.py --info-file "$work/sqs.json" 2>"$work/sqs.log" &
pids+=($!)
for _ in $(seq 300); do
  [ -s "$work/fullstory.port" ] && [ -s "$work/intercom.port" ] && [ -s "$work/absmartly.port" ] && [ -s "$work/sqs.json" ] && break
  sleep 0.1
done
[ -s "$work/sqs.json" ] || { echo "local: moto did not start:" >&2; cat "$work/sqs.log" >&2; exit 1; }
fullstory_port="$(cat "$work/fullstory.port")"
intercom_port="$(cat "$work/intercom.port")"
absmartly=()
if [ "${ABSMARTLY:-on}" != off ]; then
  absmartly=(ABSMARTLY_COLLECTOR_URL="http://127.0.0.1:$(cat "$work/absmartly.port")/v1" ABSMARTLY_API_KEY=local-absmartly-key
    ABSMARTLY_APPLICATION=website ABSMARTLY_ENVIRONMENT=production)
fi
sqs() { "$python" -c 'import json, sys; info = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, info))' "$work/sqs.json" "$1"; }

# Every optional topic is on locally, so that the table shows the ticket and Fin samples too (set
# FULLSTORY_EVENT_TOPICS= to see the defaults only).
optional_topics="conversation.user.replied,conversation.admin.replied,conversation.admin.assigned,conversation.admin.snoozed"
optional_topics+=",conversation.admin.opened,conversation.operator.replied,ticket.created,ticket.state.updated"
optional_topics+=",ticket.resolved,ticket.closed,ticket.rating.provided"

read -r invoke_port runtime_port < <(python3 deploy/free_ports.py 2)
env -i PATH="$PATH" \
  AWS_LAMBDA_FUNCTION_TIMEOUT=10 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 \
  FULLSTORY_API_KEY="${FULLSTORY_API_KEY:-local-test-key}" \
  FULLSTORY_API_URL="http://127.0.0.1:$fullstory_port" \
  INTERCOM_CLIENT_SECRET="${INTERCOM_CLIENT_SECRET:-test-intercom-client-secret}" \
  INTERCOM_API_URL="http://127.0.0.1:$intercom_port" INTERCOM_ACCESS_TOKEN=local-test-token \
  INTERCOM_PIN_SESSIONS="${INTERCOM_PIN_SESSIONS:-true}" FULLSTORY_ORG_ID="${FULLSTORY_ORG_ID:-o-LOCAL-na1}" \
  "${absmartly[@]}" \
  FULLSTORY_EVENT_TOPICS="${FULLSTORY_EVENT_TOPICS-$optional_topics}" \
  DELIVERY_QUEUE_URL="$(sqs 'queues["delivery"]')" AWS_REGION="$(sqs region)" \
  AWS_ACCESS_KEY_ID="$(sqs 'role["access_key_id"]')" AWS_SECRET_ACCESS_KEY="$(sqs 'role["secret_access_key"]')" \
  AWS_SESSION_TOKEN="$(sqs 'role["session_token"]')" \
  "$emulator" --runtime-interface-emulator-address "127.0.0.1:$invoke_port" \
  --runtime-api-address "127.0.0.1:$runtime_port" "$bootstrap" >"$work/function.log" 2>&1 &
pids+=($!)

outage=()
if [ "$#" -gt 0 ]; then files=("$@"); else files=(events/*.json); outage=(--outage --pinning); fi
"$python" deploy/local-run.py --invoke-port "$invoke_port" --work "$work" "${outage[@]}" "${files[@]}"
if [ -n "${SHOW_LOGS:-}" ]; then cat "$work/function.log"; fi
