#!/usr/bin/env bash
# libcurl 8 from Debian's bookworm-backports, unpacked under .build/libcurl8 (the machine's libcurl and apt sources
# stay as they are): Amazon Linux 2023 ships libcurl 8, Debian 12 7.88, and CI runs the end-to-end and SQS tests
# with both. Uses a private apt list and state folder. Prints the folder to put in LD_LIBRARY_PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.build/apt-backports"
target="$PWD/.build/libcurl8"
libdir="$target/usr/lib/$(gcc -print-multiarch)"
if [ -f "$libdir/libcurl.so.4" ]; then
  echo "$libdir"
  exit 0
fi
mkdir -p "$root/lists/partial" "$root/cache/archives/partial" "$root/etc" "$root/download"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" \
  > "$root/etc/sources.list"
apt_options=(-q -o Dir::Etc::SourceList="$root/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o Dir::State::Lists="$root/lists" -o Dir::Cache="$root/cache" -o APT::Sandbox::User=root)
apt-get "${apt_options[@]}" update >&2
(cd "$root/download" && rm -f ./*.deb && apt-get "${apt_options[@]}" download libcurl4/bookworm-backports >&2)
rm -rf "$target"
dpkg -x "$root"/download/libcurl4_*.deb "$target"
test -f "$libdir/libcurl.so.4" || { echo "fetch-libcurl8: no libcurl.so.4 in the package" >&2; exit 1; }
# Its dependencies must come from the machine's own packages; say which is missing rather than fail later.
if ldd "$libdir/libcurl.so.4" | grep "not found" >&2; then
  echo "fetch-libcurl8: libcurl 8 needs libraries this machine lacks (above)" >&2
  exit 1
fi
echo "$libdir"
