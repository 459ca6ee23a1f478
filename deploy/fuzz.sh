#!/usr/bin/env bash
# Runs the libFuzzer targets for SECONDS each (default 60) with AddressSanitizer, seeded from events/, the SQS
# and delivery-message fixtures, and the real Intercom samples (when ../shared is there). Crashes are written to
# Tests/Fuzz/Regressions/ (commit them: the tests replay them).
# Prints the executions per target; exits non-zero if a target found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_PER_TARGET:-${1:-60}}"
scratch=.build-fuzz
targets=(fuzz-webhook-event fuzz-signed-body fuzz-delivery-message)
for product in "${targets[@]}"; do
  swift build -c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld \
    --product "$product" >&2
done
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

corpus=.build/fuzz-corpus
rm -rf "$corpus"
mkdir -p "$corpus/event" "$corpus/body" "$corpus/message" Tests/Fuzz/Regressions
cp events/*.json Tests/Fixtures/sqs/*.json "$corpus/event/"
cp Tests/Fixtures/messages/*.json "$corpus/message/"
cp events/bodies/*.json "$corpus/body/"
if [ -d ../shared/intercom-samples ]; then cp ../shared/intercom-samples/*.json "$corpus/body/"; fi

status=0
for target in event:fuzz-webhook-event body:fuzz-signed-body message:fuzz-delivery-message; do
  seeds="${target%%:*}"
  name="${target##*:}"
  log=".build/fuzz-$name.log"
  if "$bin/$name" "$corpus/$seeds" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="Tests/Fuzz/Regressions/$name-" -print_final_stats=1 >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see $log and Tests/Fuzz/Regressions/)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: $name: $runs executions in ${seconds}s, $result"
done
exit "$status"
