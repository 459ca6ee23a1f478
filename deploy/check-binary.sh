#!/usr/bin/env bash
# Fails unless the binary runs on provided.al2023 (and so on any glibc 2.34 system) and starts fast and quietly there: no glibc symbol newer than
# GLIBC_2.34, no libcurl symbol version, no Foundation/ICU, no shared library beyond libcurl, libcrypto, libc and libm (libstdc++ and GCC's unwinder are
# linked statically by deploy/build.sh: loading them costs about 1 ms of cold start).
# With --cli, the binary is the `intercom-fullstory` command of the release archive (docs/releases.md): it must run
# on any Linux x86_64 with glibc 2.34 or later, libcurl 4 and OpenSSL 3's libcrypto, so the same rules hold but the
# regex engine's, which is about the Lambda zip's size and cold start only.
set -euo pipefail
command_line_tool=0
if [ "${1:-}" = --cli ]; then command_line_tool=1; shift; fi
binary="${1:?usage: check-binary.sh [--cli] <binary>}"
status=0

newest() { objdump -T "$binary" | grep -o "$1_[0-9.]*" | sed "s/^$1_//" | sort -V | tail -n 1; }
at_most() { [ -z "$1" ] || [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$2" ]; }

glibc="$(newest GLIBC)"
if at_most "$glibc" "2.34"; then
  echo "check-binary: newest glibc symbol GLIBC_${glibc:-none} (Amazon Linux 2023 has 2.34): ok"
else
  echo "check-binary: FAIL: needs GLIBC_$glibc, newer than Amazon Linux 2023's 2.34:" >&2
  objdump -T "$binary" | grep -E "GLIBC_(2\.3[5-9]|2\.[4-9][0-9])" >&2 || true
  status=1
fi

# Amazon Linux 2023's libcurl-minimal has no symbol versions: a binary asking for CURL_OPENSSL_4 (Debian's) makes
# the loader print "no version information available" at every cold start (deploy/curl-link-stub.sh avoids it).
curl_versions="$(objdump -T "$binary" | grep -o '(CURL_[A-Za-z0-9_.]*)' | sort -u | tr -d '()' || true)"
if [ -n "$curl_versions" ]; then
  echo "check-binary: FAIL: needs libcurl symbol versions $(echo $curl_versions) (Amazon Linux 2023's libcurl has none; link through deploy/curl-link-stub.sh)" >&2
  status=1
else
  echo "check-binary: no libcurl symbol version needed: ok"
fi

needed="$(readelf -d "$binary" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')"
allowed='^(libcurl\.so\.4|libcrypto\.so\.3|libm\.so\.6|libc\.so\.6|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1)$'
unexpected="$(echo "$needed" | grep -Ev "$allowed" || true)"
if [ -n "$unexpected" ]; then
  echo "check-binary: FAIL: links libraries Lambda does not provide: $(echo $unexpected)" >&2
  status=1
else
  echo "check-binary: shared libraries: $(echo $needed)"
fi
if ldd "$binary" 2>/dev/null | grep -Ei 'Foundation|icu|libswift' >&2; then
  echo "check-binary: FAIL: links Foundation, ICU or a shared Swift runtime (build with --static-swift-stdlib, FoundationEssentials at most)" >&2
  status=1
fi
if nm -D "$binary" 2>/dev/null | grep -q 'Foundation'; then
  echo "check-binary: FAIL: references Foundation symbols" >&2
  status=1
fi
# The standard library's regex engine (_StringProcessing: String.contains(String), split on a String, Regex…) adds
# 1.5 MB to the stripped bootstrap; ASCII.contains and friends do the function's byte searches instead.
if [ "$command_line_tool" = 0 ] && grep -q '17_StringProcessing' "$binary"; then
  echo "check-binary: FAIL: links the _StringProcessing regex engine (1.5 MB): use ASCIIText's byte searches, not String.contains(String)" >&2
  status=1
fi
# `serve`'s server (SwiftNIO, Hummingbird, its lifecycle and metrics) is the CLI's alone: the Lambda bootstrap stays
# the runtime loop over libcurl, its size and cold start untouched.
if [ "$command_line_tool" = 0 ] && grep -q -E '7NIOCore|11Hummingbird|16ServiceLifecycle|11CoreMetrics' "$binary"; then
  echo "check-binary: FAIL: links SwiftNIO, Hummingbird, ServiceLifecycle or swift-metrics (serve's, never the bootstrap's)" >&2
  status=1
elif [ "$command_line_tool" = 0 ]; then
  echo "check-binary: no SwiftNIO, Hummingbird, ServiceLifecycle or swift-metrics: ok"
fi
# Position-independent (ELF type DYN) is the default build; fixed-address (EXEC) is deploy/build.sh's opt-in.
case "$(readelf -h "$binary" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')" in
  DYN) echo "check-binary: layout: position-independent executable (ASLR for its code)" ;;
  EXEC) echo "check-binary: layout: fixed-address executable (BOOTSTRAP_FIXED_ADDRESS=1: no ASLR for its code)" ;;
  *) echo "check-binary: FAIL: not an executable ELF file" >&2; status=1 ;;
esac
exit "$status"
