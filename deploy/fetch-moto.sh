#!/usr/bin/env bash
# Puts moto's server (PyPI `moto[server]`), our local stand-in for SQS, into a virtual environment at
# .build/moto-venv and prints that environment's python. Nothing is committed; fails loudly if PyPI cannot be
# reached.
set -euo pipefail
cd "$(dirname "$0")/.."
version="5.2.1"
venv=".build/moto-venv"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$version')" 2>/dev/null; then
  echo "$venv/bin/python"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv" >&2 || { echo "fetch-moto: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
"$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$version" >&2 \
  || { echo "fetch-moto: could not install moto[server]==$version from PyPI" >&2; rm -rf "$venv"; exit 1; }
echo "$venv/bin/python"
