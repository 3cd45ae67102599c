#!/usr/bin/env bash
# Run Qudao with demo data on SQLite: set up this checkout (Debian packages,
# .venv), create or upgrade the database in ./instance, load the demo data
# once, then serve on http://127.0.0.1:${PORT:-5000}/.  Safe to run again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh

PORT="${PORT:-5000}"
# Demo admin password: used when the admin is first created; later runs keep
# whatever password the admin has set since.
ADMIN_PASSWORD="${QUDAO_ADMIN_PASSWORD:-demo-pass-2026}"

printf '%s\n' "$ADMIN_PASSWORD" | .venv/bin/qudao init --demo --password-stdin

cat <<MSG

  Qudao is starting on  http://127.0.0.1:${PORT}/
  admin login:          admin / ${ADMIN_PASSWORD}   (unless changed since the first run)
  the demo logins are listed above; data lives in ${QUDAO_DATA_DIR:-$ROOT/instance}

MSG
exec .venv/bin/qudao run --host 127.0.0.1 --port "$PORT"
