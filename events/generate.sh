#!/usr/bin/env bash
# Regenerates the API Gateway events in this folder from the notification bodies in bodies/, signed with the
# test secret (see README.md). Run from anywhere: events/generate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export INTERCOM_CLIENT_SECRET="${INTERCOM_CLIENT_SECRET:-test-intercom-client-secret}"
export WRONG_SECRET="not-the-client-secret"
swift build --product intercom-fullstory >/dev/null
cli="$(swift build --show-bin-path)/intercom-fullstory"
for version in 1.0 2.0; do
  suffix="v${version%%.*}"
  for body in closed rated opened ping ignored-topic closed-by-fin fin-replied ticket-created ticket-state-updated \
      ticket-resolved ticket-closed ticket-closed-legacy ticket-rated; do
    "$cli" sign "events/bodies/$body.json" --payload "$version" >"events/$body.$suffix.json"
  done
  "$cli" sign events/bodies/closed.json --payload "$version" --secret-variable WRONG_SECRET >"events/bad-signature.$suffix.json"
  "$cli" sign --method HEAD --payload "$version" >"events/head.$suffix.json"
done
# API Gateway base64-encodes bodies of binary media types; one sample shows that path.
"$cli" sign events/bodies/closed.json --payload 1.0 --base64 >"events/closed-base64.v1.json"
ls events/*.json
