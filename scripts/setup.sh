#!/usr/bin/env bash
# Prepare this checkout on Debian 12: system packages, the .venv, the
# package itself with its test extras, compiled translations, the PDF fonts
# (GB 2312 copies of Noto Sans CJK SC, core/documents/fonts.py).  Safe to run
# again; it only does what is missing.  Called by scripts/run.sh and
# scripts/test.sh, so there is rarely a reason to call it yourself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# python3-venv: the venv module; fonts-noto-cjk + pango/harfbuzz: WeasyPrint
# PDFs with Chinese text; chromium: the end-to-end test; poppler-utils:
# pdftotext, used by the PDF tests; wrk: the HTTP load of bench/ (python -m bench);
# postgresql-client: pg_dump / pg_restore / psql for qudao backup and restore.
APT_PACKAGES=(python3 python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0
              libpangoft2-1.0-0 chromium poppler-utils wrk postgresql-client)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "need root to run: $*  (run this script as root or install sudo)"
        exit 1
    fi
}

install_system_packages() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        log "system packages present"
        return
    fi
    log "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

create_venv() {
    local py="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        log "creating .venv with $($py --version 2>&1)"
        "$py" -m venv .venv
    fi
    if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        log "Qudao needs Python 3.11 or newer; .venv has $(.venv/bin/python --version 2>&1)"
        exit 1
    fi
    # The exact versions (with hashes) of everything '.[test]' needs come from
    # requirements.txt, the lock file (refresh: scripts/lock.sh); the package
    # itself is then installed without resolving anything again.  Reinstall
    # only when the lock or the package definition changed since last time.
    local stamp=.venv/.qudao-installed want
    want="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c 'import core, pytest' 2>/dev/null; then
        log ".venv up to date"
        return
    fi
    log "installing the locked packages (requirements.txt) and qudao into .venv"
    .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements.txt
    .venv/bin/python -m pip install -q --no-deps -e .
    .venv/bin/python -m pip check
    echo "$want" > "$stamp"
}

compile_translations() {
    # The .mo files are committed; compile only when one is missing.
    local po
    while IFS= read -r po; do
        if [ ! -f "${po%.po}.mo" ]; then
            log "compiling translations"
            .venv/bin/python scripts/i18n.py compile
            return
        fi
    done < <(find core plugins -path '*/translations/*/LC_MESSAGES/messages.po')
}

pdf_fonts() {
    # Noto Sans CJK SC and Noto Sans Mono CJK SC cut down to GB 2312 for the
    # PDFs (core/documents/fonts.py): written once from the installed fonts,
    # about 30 s on two cores; PDFs work without them.
    local f
    for f in QudaoSansSC-Regular QudaoSansSC-Bold QudaoMonoSC-Regular QudaoMonoSC-Bold; do
        if [ ! -f "core/static/fonts/$f.ttf" ]; then
            log "writing the PDF fonts (GB 2312 subsets of Noto Sans CJK SC, about 30 s)"
            .venv/bin/python -m core.documents.fonts || log "PDF fonts not written; PDFs use the full fonts"
            return
        fi
    done
}

install_system_packages
create_venv
compile_translations
pdf_fonts
