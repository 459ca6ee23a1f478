#!/usr/bin/env bash
# Release build of the Lambda `bootstrap` (or of another executable product named as the argument, for the
# benchmark): static Swift standard library and libstdc++, linked by lld with the hot functions first, stripped,
# checked against what Amazon Linux 2023 provides. Prints the path of the result (.build/lambda/<product>).
# It is position-independent (ASLR for its code, which parses untrusted input); BOOTSTRAP_FIXED_ADDRESS=1 builds a
# fixed-address executable instead (see docs/security.md, and `make bench` for what each costs).
set -euo pipefail
cd "$(dirname "$0")/.."
product="${1:-bootstrap}"

# The Swift runtime is C++. Loading the shared libstdc++ (2 MB, thousands of relocations, its locale set-up)
# costs about 0.7 ms of every cold start, so the linker is pointed at a folder holding only libstdc++.a: it
# looks for -lstdc++ there before the compiler's own folder, and links in only the parts the runtime uses.
# The same folder offers GCC's static unwinder under the name of the shared one (-lgcc_s), which spares loading
# libgcc_s.so.1 (0.3 ms here); its one glibc 2.35 call is wrapped (Sources/GlibcCompatibility/dl_find_object.c).
libstdcxx="$(gcc -print-file-name=libstdc++.a)"
libgcc_eh="$(gcc -print-file-name=libgcc_eh.a)"
if [ ! -f "$libstdcxx" ] || [ ! -f "$libgcc_eh" ]; then
  echo "build: libstdc++.a or libgcc_eh.a not found (install g++ / libstdc++-12-dev)" >&2
  exit 1
fi
mkdir -p .build/static-libstdc++ .build/lambda
ln -sf "$libstdcxx" .build/static-libstdc++/libstdc++.a
ln -sf "$libgcc_eh" .build/static-libstdc++/libgcc_s.a
flags=(-Xlinker -L"$PWD/.build/static-libstdc++")

# libcurl is linked through a stub without symbol versions (deploy/curl-link-stub.sh), so that Amazon Linux 2023's
# unversioned libcurl-minimal loads without a "no version information available" line at every cold start.
stub="$PWD/$(deploy/curl-link-stub.sh)"
export PKG_CONFIG_PATH="$stub/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# lld places the functions listed in deploy/symbol-order.txt (make symbol-order) together, so that the pages the
# kernel maps around them hold hot code: about 1 MB less resident memory. Names no longer present are skipped.
flags+=(-Xswiftc -use-ld=lld -Xlinker --symbol-ordering-file="$PWD/deploy/symbol-order.txt"
        -Xlinker --no-warn-symbol-ordering)

# Opt-in: a fixed-address executable has no relative relocations to apply at start-up (22,000 here), which
# saves part of a millisecond of cold start and 0.4 MB, but puts its code at a known address. Shared libraries,
# heap and stack stay randomized either way.
layout=pie
if [ "${BOOTSTRAP_FIXED_ADDRESS:-0}" = 1 ]; then
  layout=fixed-address
  flags+=(-Xswiftc -Xclang-linker -Xswiftc -no-pie)
fi

# SwiftPM does not know the ordering file, the stub and the layout are inputs of the link: relink when one changed.
bin_path="$(swift build -c release --show-bin-path)"
marker=".build/lambda/.$product.layout"
if [ -f "$bin_path/$product" ] && { [ deploy/symbol-order.txt -nt "$bin_path/$product" ] \
    || [ "$stub/libcurl.so" -nt "$bin_path/$product" ] || [ "$(cat "$marker" 2>/dev/null)" != "$layout" ]; }; then
  rm -f "$bin_path/$product"
fi
echo "$layout" > "$marker"

# No $ORIGIN runpath: Lambda finds libraries through LD_LIBRARY_PATH, and each runpath entry costs failed
# lookups for every library at start-up.
swift build -c release --static-swift-stdlib --disable-local-rpath --product "$product" "${flags[@]}" >&2
strip --strip-all -o ".build/lambda/$product" "$bin_path/$product"
checks=()
[ "$product" = intercom-fullstory ] && checks=(--cli)
deploy/check-binary.sh "${checks[@]}" ".build/lambda/$product" >&2
echo ".build/lambda/$product"
