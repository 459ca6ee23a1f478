#!/usr/bin/env bash
# `make release`: builds the release binaries and leaves dist/intercom-fullstory-<version>/ with what a user downloads
# (docs/releases.md): the Lambda zip, the CLI archive, a template that deploys the zip as it is (with the Serverless
# Application Repository's metadata), LICENSE, the application page's README.md, THIRD_PARTY_LICENSES, the dependency
# versions of the build (Package.resolved, BUILD_INFO) and SHA256SUMS over all of them.
# Packaging is deterministic: the same binaries give byte-identical files, which this script checks by packaging a
# second time, elsewhere, with another umask, and comparing. Prints the folder's path.
# RELEASE_SOURCE_URL (an https URL) names the source for the metadata; SOURCE_DATE_EPOCH defaults to the commit's time.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC LC_ALL=C

version="$(deploy/version.sh)"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  # git's own message says why it cannot (no repository; "dubious ownership" in a container: git config --global
  # --add safe.directory <path>).
  SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" \
    || { echo "release: git cannot read the commit: set SOURCE_DATE_EPOCH (seconds since 1970) for the archives' dates" >&2; exit 1; }
fi
export SOURCE_DATE_EPOCH
name="intercom-fullstory-$version"
lambda_zip="$name-lambda-x86_64.zip"
cli_name="$name-cli-linux-x86_64"

# A release is position-independent whatever the caller's environment says (docs/security.md).
unset BOOTSTRAP_FIXED_ADDRESS
bootstrap="$(deploy/build.sh)"
cli="$(deploy/build.sh intercom-fullstory)"
# Not .build/release: that is SwiftPM's own build folder.
files=".build/release-files"
mkdir -p "$files/lambda" "$files/cli"
# Each archive carries the licenses of what its binary links (the zip: not serve's server); the folder, both.
deploy/third-party-licenses.py --output "$files/lambda/THIRD_PARTY_LICENSES" bootstrap
deploy/third-party-licenses.py --output "$files/cli/THIRD_PARTY_LICENSES" intercom-fullstory
deploy/third-party-licenses.py --output "$files/THIRD_PARTY_LICENSES" bootstrap intercom-fullstory

# BUILD_INFO: what the binaries were built from and with (the archives' bytes also depend on zip, tar and gzip).
if commit="$(git rev-parse HEAD)"; then
  changes=0
  git diff --quiet HEAD || changes=$?
  case "$changes" in
    0) ;;
    1) commit+=" (with local changes)" ;;
    *) echo "release: git diff failed" >&2; exit 1 ;;
  esac
else
  commit="unknown (git cannot read this checkout; SOURCE_DATE_EPOCH was given)"
fi
{
  echo "version: $version"
  echo "commit: $commit"
  echo "source date: $(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
  echo "swift: $(swift --version 2>/dev/null | head -n 1)"
  echo "build system: $(. /etc/os-release && echo "$PRETTY_NAME"), $(ldd --version | head -n 1)"
  echo "packaged with: $(zip -v | sed -n 2p), $(tar --version | head -n 1), $(gzip --version | head -n 1)"
  echo "dependencies: Package.resolved"
} > "$files/BUILD_INFO"

# assemble FOLDER: the release files from the built binaries, with fixed modes, dates and order.
assemble() {
  local out="$1" stage
  stage="$(mktemp -d)"
  rm -rf "$out"
  mkdir -p "$out" "$stage/lambda" "$stage/$cli_name"
  install -m 0755 "$bootstrap" "$stage/lambda/bootstrap"
  install -m 0755 "$cli" "$stage/$cli_name/intercom-fullstory"
  install -m 0644 LICENSE "$files/lambda/THIRD_PARTY_LICENSES" "$stage/lambda/"
  install -m 0644 LICENSE "$files/cli/THIRD_PARTY_LICENSES" "$stage/$cli_name/"
  find "$stage" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
  # zip stores local time (TZ is UTC here), -X leaves out owners and extra timestamps, -D directory entries.
  (cd "$stage/lambda" && find . -type f | sed 's|^\./||' | sort | zip -X -D -q -9 "$out/$lambda_zip" -@)
  tar --sort=name --format=gnu --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    --mode=go=rX,u+rw,a-s -C "$stage" -cf - "$cli_name" | gzip -9 -n > "$out/$cli_name.tar.gz"
  deploy/release-template.py --version "$version" --zip "$lambda_zip" --source-url "${RELEASE_SOURCE_URL:-}" \
    < template.yaml > "$out/template.yaml"
  install -m 0644 LICENSE "$out/LICENSE"
  install -m 0644 deploy/release-readme.md "$out/README.md"
  install -m 0644 "$files/THIRD_PARTY_LICENSES" "$files/BUILD_INFO" "$out/"
  install -m 0644 Package.resolved "$out/Package.resolved"
  (cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum -- > SHA256SUMS)
  rm -rf "$stage"
}

dist="$PWD/dist/$name"
assemble "$dist"
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) >&2

# Every entry carries the commit's time, not the packaging's.
python3 - "$dist/$lambda_zip" "$dist/$cli_name.tar.gz" "$SOURCE_DATE_EPOCH" <<'PY' >&2
import sys, tarfile, time, zipfile
zip_path, tar_path, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
expected = time.gmtime(epoch + epoch % 2)[:6]  # zip keeps even seconds, rounding up
stale = [i.filename for i in zipfile.ZipFile(zip_path).infolist() if i.date_time != expected]
stale += [m.name for m in tarfile.open(tar_path).getmembers() if m.mtime != epoch]
if stale:
    sys.exit("release: FAIL: entries not dated SOURCE_DATE_EPOCH: %s" % ", ".join(stale))
PY

# The same binaries packaged again, later, elsewhere and with another umask, must give the same bytes.
sleep 2
again="$(mktemp -d)"
(umask 077 && assemble "$again/$name")
if ! diff -r "$dist" "$again/$name" >&2; then
  echo "release: FAIL: packaging the same binaries twice gave different files (see above)" >&2
  exit 1
fi
rm -rf "$again"
echo "release: packaged twice, byte-identical" >&2

for file in "$dist"/*; do
  printf 'release: %-60s %10d bytes\n' "$(basename "$file")" "$(stat -c %s "$file")" >&2
done
echo "$dist"
