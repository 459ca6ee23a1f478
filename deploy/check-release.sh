#!/usr/bin/env bash
# A release folder used as a user uses it, with no Swift toolchain on the PATH (run by .ci/run after `make release`):
# the checksums verify; outside the checkout, `sam validate --lint` accepts the template and `sam package` uploads the
# release zip itself, byte for byte, into an S3 bucket served by moto; the bootstrap taken out of that zip delivers a
# signed webhook under the Lambda emulator; the CLI taken out of its archive runs with a bare environment.
# Prints the folder it checked (a copy), whose bootstrap .ci/run's shipped-binary tests then run.
# Usage: deploy/check-release.sh RELEASE_FOLDER SAM_VENV
set -euo pipefail
cd "$(dirname "$0")/.."
release="$(cd "${1:?usage: check-release.sh RELEASE_FOLDER SAM_VENV}" && pwd)"
sam_venv="$(cd "${2:?usage: check-release.sh RELEASE_FOLDER SAM_VENV}" && pwd)"
repository="$PWD"
version="$(deploy/version.sh)"
moto_python="$PWD/$(deploy/fetch-moto.sh)"

# What a user's machine has: the SAM CLI and the system's commands, no Swift. Where the toolchain sits among the
# system's commands (the Swift images put it in /usr/bin), every swift* command is shadowed by one that fails.
user_path="$sam_venv/bin:/usr/local/bin:/usr/bin:/bin"
shadow="$(mktemp -d)"
for tool in /usr/local/bin/swift* /usr/bin/swift* /bin/swift*; do
  [ -e "$tool" ] || continue
  printf '#!/bin/sh\necho "no Swift on a user'"'"'s machine" >&2\nexit 127\n' > "$shadow/$(basename "$tool")"
  chmod +x "$shadow/$(basename "$tool")"
done
user_path="$shadow:$user_path"
if PATH="$user_path" swift --version >/dev/null 2>&1 || PATH="$user_path" swiftc --version >/dev/null 2>&1; then
  echo "check-release: FAIL: a Swift toolchain answers on the user's PATH ($user_path): the check would prove nothing" >&2
  exit 1
fi
as_user() { env PATH="$user_path" "$@"; }

copy="$(mktemp -d)/$(basename "$release")"
cp -r "$release" "$copy"
cd "$copy"
echo "check-release: in $copy, PATH=$user_path" >&2
as_user sha256sum -c SHA256SUMS >&2

as_user sam validate --lint --template-file template.yaml >&2
as_user "$moto_python" "$repository/deploy/check-release-package.py" --sam sam --folder . >&2

# The Lambda zip's bootstrap, under the emulator (deploy/local.sh, which builds nothing when BOOTSTRAP is given).
mkdir lambda
as_user unzip -q "intercom-fullstory-$version-lambda-x86_64.zip" -d lambda
[ -x lambda/bootstrap ] || { echo "check-release: FAIL: the zip's bootstrap is not executable" >&2; exit 1; }
table="$(cd "$repository" && as_user env BOOTSTRAP="$copy/lambda/bootstrap" deploy/local.sh events/closed.v1.json)"
echo "$table" >&2
echo "$table" | grep -Eq '^closed\.v1\.json +200 +Intercom Conversation Closed ' \
  || { echo "check-release: FAIL: the zip's bootstrap did not deliver a signed closed webhook" >&2; exit 1; }

# The CLI archive's command, with nothing in its environment but what each call names.
as_user tar xzf "intercom-fullstory-$version-cli-linux-x86_64.tar.gz"
cli="$copy/intercom-fullstory-$version-cli-linux-x86_64/intercom-fullstory"
"$repository/deploy/check-binary.sh" --cli "$cli" >&2
printed="$(env -i "$cli" --version)"
[ "$printed" = "$version" ] || { echo "check-release: FAIL: the CLI says version '$printed', not $version" >&2; exit 1; }
answer="$(env -i INTERCOM_CLIENT_SECRET=test-intercom-client-secret "$cli" invoke --dry-run "$repository/events/closed.v1.json")"
case "$answer" in
  *'"statusCode":200'*'Intercom Conversation Closed'*) ;;
  *) echo "check-release: FAIL: the CLI's dry run answered: $answer" >&2; exit 1 ;;
esac
echo "check-release: the release deploys and runs with no Swift: sam validate, sam package (zip byte for byte)," \
  "the zip's bootstrap under the emulator, the CLI's --version and dry run" >&2
echo "$copy"
