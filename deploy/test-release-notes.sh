#!/usr/bin/env bash
# deploy/release-notes.sh refuses a tag that is not v<version> and a version the CHANGELOG does not give as released,
# and prints only that version's section otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(deploy/version.sh)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "test-release-notes: FAIL: $1" >&2; exit 1; }
printf '# Changelog\n\n## %s (unreleased)\n\n- new\n\n## 0.9.0 (2026-01-01)\n\n- old\n' "$version" > "$work/unreleased.md"
printf '# Changelog\n\n## %s (2026-12-07)\n\n### Added\n- new\n\n## 0.9.0 (2026-01-01)\n\n- old\n' "$version" > "$work/released.md"
printf '# Changelog\n\n## 0.9.0 (2026-01-01)\n\n- old\n' > "$work/missing.md"
deploy/release-notes.sh "v$version" "$work/unreleased.md" 2>/dev/null && fail "an unreleased section was accepted"
deploy/release-notes.sh "v$version" "$work/missing.md" 2>/dev/null && fail "a missing section was accepted"
deploy/release-notes.sh "v0.0.1" "$work/released.md" 2>/dev/null && fail "a tag naming another version was accepted"
deploy/release-notes.sh "$version" "$work/released.md" 2>/dev/null && fail "a tag without its v was accepted"
notes="$(deploy/release-notes.sh "v$version" "$work/released.md")" || fail "a released section was refused"
[ "$notes" = "$(printf '### Added\n- new')" ] || fail "the notes are not the version's section: $notes"
echo "test-release-notes: ok (wrong tag, unreleased and missing sections refused; the section printed)"
