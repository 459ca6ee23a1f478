#!/usr/bin/env bash
# Puts the AWS Lambda Runtime Interface Emulator at .build/aws-lambda-rie (or prints where it is). It ships
# inside the aws-sam-cli wheel on PyPI; nothing is committed. Fails loudly if it cannot be obtained.
set -euo pipefail
cd "$(dirname "$0")/.."
version="1.170.0"
target=".build/aws-lambda-rie"
if [ -x "$target" ]; then
  echo "$target"
  exit 0
fi
case "$(uname -m)" in
  x86_64) arch=x86_64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "fetch-emulator: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
work=".build/rie-wheel"
mkdir -p "$work"
if ! ls "$work"/aws_sam_cli-"$version"-*.whl >/dev/null 2>&1; then
  python3 -m pip download --quiet --no-deps "aws-sam-cli==$version" -d "$work" >&2 \
    || { echo "fetch-emulator: could not download aws-sam-cli==$version from PyPI" >&2; exit 1; }
fi
python3 - "$work" "$arch" "$target" <<'PY'
import glob, os, sys, zipfile
work, arch, target = sys.argv[1:]
wheel = glob.glob(os.path.join(work, "aws_sam_cli-*.whl"))[0]
with zipfile.ZipFile(wheel) as archive:
    data = archive.read(f"samcli/local/rapid/aws-lambda-rie-{arch}")
with open(target + ".tmp", "wb") as out:
    out.write(data)
os.chmod(target + ".tmp", 0o755)
os.replace(target + ".tmp", target)
PY
echo "$target"
