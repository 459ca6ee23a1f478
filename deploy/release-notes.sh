#!/usr/bin/env bash
# The release workflow's gate and notes: fails unless TAG is v<version> (ProductVersion.number) and CHANGELOG.md has
# a section for that version whose heading does not say "unreleased"; prints that section's text (without its
# heading) as the GitHub release's notes.
# Usage: deploy/release-notes.sh TAG [CHANGELOG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:?usage: release-notes.sh TAG [CHANGELOG]}"
changelog="${2:-CHANGELOG.md}"
version="$(deploy/version.sh)"
if [ "$tag" != "v$version" ]; then
  echo "release-notes: the tag $tag is not v$version (ProductVersion.number): tag the commit whose version it names" >&2
  exit 1
fi
heading="$(grep -E "^## $(printf '%s' "$version" | sed 's/\./\\./g')( |$)" "$changelog" || true)"
if [ -z "$heading" ]; then
  echo "release-notes: $changelog has no section '## $version'" >&2
  exit 1
fi
if printf '%s' "$heading" | grep -qi unreleased; then
  echo "release-notes: $changelog says '$heading': give it the release date before tagging" >&2
  exit 1
fi
awk -v heading="$heading" '$0 == heading { inside = 1; next } inside && /^## / { exit } inside { print }' "$changelog" \
  | sed -e '/./,$!d'
