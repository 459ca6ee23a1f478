#!/usr/bin/env bash
# Tests deploy/check-binary.sh and the quiet start on Amazon Linux 2023: a C program linked against Debian's
# libcurl (it needs CURL_OPENSSL_4) must be refused and the shipped bootstrap accepted; and, loaded against a
# libcurl without symbol versions (the link stub stands in for AL2023's libcurl-minimal), the C program makes
# the loader print "no version information available" while the bootstrap starts without it.
set -euo pipefail
cd "$(dirname "$0")/.."
bootstrap="${1:-$(deploy/build.sh)}"
stub="$(deploy/curl-link-stub.sh)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "test-check-binary: FAIL: $1" >&2; status=1; }

cat >"$work/versioned.c" <<'C'
#include <curl/curl.h>
int main(int argc, char **argv) { (void)argv; return argc > 99 ? (int)(long)curl_version() : 0; }
C
gcc -o "$work/versioned" "$work/versioned.c" -lcurl
if deploy/check-binary.sh "$work/versioned" >"$work/versioned.log" 2>&1; then
  fail "check-binary accepted a binary that needs CURL_OPENSSL_4"
elif ! grep -q "needs libcurl symbol versions CURL_OPENSSL_4" "$work/versioned.log"; then
  fail "check-binary refused the versioned binary for another reason: $(cat "$work/versioned.log")"
fi
deploy/check-binary.sh "$bootstrap" >"$work/bootstrap.log" 2>&1 || fail "check-binary refused $bootstrap: $(cat "$work/bootstrap.log")"
# A bootstrap carrying SwiftNIO's code (here its mangled names, appended) is refused: serve's server is the CLI's.
cp "$bootstrap" "$work/with-nio"
printf '$s7NIOCore10ByteBufferV' >>"$work/with-nio"
if deploy/check-binary.sh "$work/with-nio" >"$work/with-nio.log" 2>&1; then
  fail "check-binary accepted a bootstrap with SwiftNIO in it"
elif ! grep -q "links SwiftNIO" "$work/with-nio.log"; then
  fail "check-binary refused the SwiftNIO bootstrap for another reason: $(cat "$work/with-nio.log")"
fi

# Both exit at once (no Runtime API, no arguments): only the loader's own line is of interest.
env -i LD_LIBRARY_PATH="$PWD/$stub" "$work/versioned" >"$work/versioned.run" 2>&1 || true
grep -q "no version information available" "$work/versioned.run" \
  || fail "the unversioned stand-in did not reproduce Amazon Linux 2023's loader warning"
env -i LD_LIBRARY_PATH="$PWD/$stub" "$bootstrap" >"$work/bootstrap.run" 2>&1 || true
if grep -q "no version information available" "$work/bootstrap.run"; then
  fail "the bootstrap makes the loader warn against an unversioned libcurl: $(head -1 "$work/bootstrap.run")"
fi
grep -q "AWS_LAMBDA_RUNTIME_API is not set" "$work/bootstrap.run" || fail "the bootstrap did not start: $(cat "$work/bootstrap.run")"
[ "$status" = 0 ] && echo "test-check-binary: a CURL_OPENSSL_4 binary and a bootstrap with SwiftNIO refused, $bootstrap accepted and quiet against an unversioned libcurl"
exit "$status"
