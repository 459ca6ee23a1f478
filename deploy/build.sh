#!/usr/bin/env bash
# Release build of the Lambda `bootstrap`: static Swift standard library, stripped, checked against what
# Amazon Linux 2023 provides. Prints the path of the result (.build/lambda/bootstrap).
set -euo pipefail
cd "$(dirname "$0")/.."
# No $ORIGIN runpath: Lambda finds libraries through LD_LIBRARY_PATH, and each runpath entry costs failed
# lookups for every library at start-up.
swift build -c release --static-swift-stdlib --disable-local-rpath --product bootstrap >&2
mkdir -p .build/lambda
strip --strip-all -o .build/lambda/bootstrap "$(swift build -c release --show-bin-path)/bootstrap"
deploy/check-binary.sh .build/lambda/bootstrap >&2
echo .build/lambda/bootstrap
