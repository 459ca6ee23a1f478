#!/usr/bin/env bash
# Builds the deployable zip (.build/lambda/function.zip: one executable named bootstrap) and prints its size.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(deploy/build.sh)"
rm -f .build/lambda/function.zip
(cd "$(dirname "$binary")" && zip -q -9 function.zip bootstrap)
size=$(stat -c %s .build/lambda/function.zip)
echo "package: .build/lambda/function.zip $size bytes ($(awk "BEGIN {printf \"%.2f\", $size / 1048576}") MiB); bootstrap $(stat -c %s "$binary") bytes"
