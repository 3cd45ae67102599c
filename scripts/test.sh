#!/usr/bin/env bash
# Run the whole test suite twice: on SQLite, then on PostgreSQL.  Sets up
# this checkout first (Debian packages, .venv).  PostgreSQL is required: the
# run fails (it does not skip) when it cannot be reached.
#   QUDAO_TEST_DATABASE_URL   PostgreSQL to test on
#                             (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
#   extra arguments go to pytest, e.g.  ./scripts/test.sh -k plugins
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh || exit 1

PG_URL="${QUDAO_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
PYTEST=(.venv/bin/python -m pytest -n auto -p no:cacheprovider "$@")

run() {  # label, then env assignments for the run
    local label="$1" start rc
    shift
    printf '\n\033[1m=== tests on %s ===\033[0m\n' "$label"
    start=$(date +%s)
    env "$@" "${PYTEST[@]}"
    rc=$?
    printf '=== %s: exit %s in %ss ===\n' "$label" "$rc" "$(( $(date +%s) - start ))"
    return "$rc"
}

run SQLite -u QUDAO_TEST_DATABASE_URL -u QUDAO_REQUIRE_POSTGRES
sqlite_rc=$?
run PostgreSQL QUDAO_TEST_DATABASE_URL="$PG_URL" QUDAO_REQUIRE_POSTGRES=1
pg_rc=$?

# Any non-zero exit fails, including pytest's 5 ("no tests collected").
echo
echo "SQLite: exit $sqlite_rc   PostgreSQL: exit $pg_rc"
if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
    echo "FAILED"
    exit 1
fi
echo "all tests passed on SQLite and PostgreSQL"
