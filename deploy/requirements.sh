#!/usr/bin/env bash
# Makes sure the system libraries the build links against are installed (Debian/Ubuntu package names):
# installs them with apt-get when running as root, otherwise says what to install.
set -euo pipefail
packages=(libcurl4-openssl-dev libssl-dev pkg-config zip binutils)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# The release scripts and the stand-ins are Python (any python3 on the PATH will do).
command -v python3 >/dev/null || missing+=(python3)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "requirements: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "requirements: please install: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
