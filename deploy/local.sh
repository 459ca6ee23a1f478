#!/usr/bin/env bash
# Runs every event in events/ through the function's core (no network) and prints what Intercom would get
# back and what would be sent to FullStory.
set -euo pipefail
cd "$(dirname "$0")/.."
export INTERCOM_CLIENT_SECRET="${INTERCOM_CLIENT_SECRET:-test-intercom-client-secret}"
swift build --product intercom-fullstory >/dev/null
cli="$(swift build --show-bin-path)/intercom-fullstory"
printf '%-26s %-6s %-32s %s\n' "event file" "status" "FullStory event" "session link"
for event in events/*.json; do
  "$cli" invoke --dry-run "$event" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
sent = doc["fullstory"]
name = sent[0]["body"]["name"] if sent else "-"
link = sent[0]["session_link"] if sent else "-"
print("%-26s %-6s %-32s %s" % (sys.argv[1], doc["response"]["statusCode"], name, link))
' "$(basename "$event")"
done
