#!/usr/bin/env bash
# Release build of the Lambda `bootstrap`: static Swift standard library, stripped, checked against what
# Amazon Linux 2023 provides. Prints the path of the result (.build/lambda/bootstrap).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product bootstrap >&2
mkdir -p .build/lambda
strip --strip-all -o .build/lambda/bootstrap "$(swift build -c release --show-bin-path)/bootstrap"
deploy/check-binary.sh .build/lambda/bootstrap >&2
echo .build/lambda/bootstrap
