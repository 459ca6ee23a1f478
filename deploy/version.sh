#!/usr/bin/env bash
# Prints the product's version, ProductVersion.number (Sources/ProductVersion): the one place the scripts read it.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/.*static let number = "\([^"]*\)".*/\1/p' Sources/ProductVersion/ProductVersion.swift)"
[ -n "$version" ] || { echo "version: no 'static let number' in Sources/ProductVersion/ProductVersion.swift" >&2; exit 1; }
echo "$version"
