#!/usr/bin/env bash
# Write requirements.txt, the lock file that scripts/setup.sh installs: an
# exact version of every package '.[test]' needs, each with its hashes.
#   scripts/lock.sh            keep today's pins; add what pyproject.toml added
#   scripts/lock.sh --upgrade  move every pin to the newest release the ranges
#                              allow (after ./scripts/test-latest.sh passed)
# Then run ./scripts/test.sh and commit requirements.txt.
#   PIP_TOOLS_VERSION   pip-tools release that writes the file (default below)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PIP_TOOLS_VERSION="${PIP_TOOLS_VERSION:-7.6.2}"

tool="$(mktemp -d)"
trap 'rm -rf "$tool"' EXIT
"${PYTHON:-python3}" -m venv "$tool"
"$tool/bin/python" -m pip install -q "pip-tools==$PIP_TOOLS_VERSION"
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)
"$tool/bin/pip-compile" -q "${upgrade[@]}" --extra test --generate-hashes --strip-extras \
    --allow-unsafe --no-emit-index-url --no-emit-find-links \
    -o requirements.txt pyproject.toml
git --no-pager diff --stat -- requirements.txt || true
