#!/usr/bin/env bash
# Try the newest releases on purpose: build a fresh virtual environment in
# .venv-latest with the newest versions that pyproject.toml allows (ignoring
# the lock file), print which packages differ from requirements.txt, and run
# the whole suite with it on SQLite and on PostgreSQL.  Not part of
# ./scripts/test.sh; when it passes, ./scripts/lock.sh moves the lock forward.
#   QUDAO_TEST_DATABASE_URL   PostgreSQL to test on (as for scripts/test.sh)
#   extra arguments go to pytest
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh || exit 1   # Debian packages, fonts, translations

VENV=.venv-latest
rm -rf "$VENV"
"${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q --upgrade --upgrade-strategy eager -e '.[test]' || exit 1

echo "packages newer than the lock (requirements.txt):"
"$VENV/bin/python" - <<'PY'
import re
from importlib import metadata
locked = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", open("requirements.txt").read(), re.M))
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
locked = {norm(k): v for k, v in locked.items()}
newer = 0
for dist in sorted(metadata.distributions(), key=lambda d: norm(d.metadata["Name"])):
    name = norm(dist.metadata["Name"])
    if name in locked and locked[name] != dist.version:
        print(f"  {name}: {locked[name]} -> {dist.version}")
        newer += 1
print(f"  ({newer} of {len(locked)} locked packages differ)")
PY

PG_URL="${QUDAO_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
PYTEST=("$VENV/bin/python" -m pytest -n auto -p no:cacheprovider "$@")
env -u QUDAO_TEST_DATABASE_URL -u QUDAO_REQUIRE_POSTGRES "${PYTEST[@]}"
sqlite_rc=$?
env QUDAO_TEST_DATABASE_URL="$PG_URL" QUDAO_REQUIRE_POSTGRES=1 "${PYTEST[@]}"
pg_rc=$?
echo "newest releases — SQLite: exit $sqlite_rc   PostgreSQL: exit $pg_rc"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
