#!/usr/bin/env python3
"""Translation catalogues: one per package (core and each plugin).

    python scripts/i18n.py update    # add new msgids to every zh_CN .po
    python scripts/i18n.py compile   # .po -> .mo (run after editing a .po)
    python scripts/i18n.py check     # list msgids without a Chinese translation

Source strings are English; zh_CN is the default locale, so every msgid
needs a Chinese msgstr (tests/test_i18n.py enforces it).
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_CN"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2),
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "_lp": ((1, "c"), 2)}
METHODS = [("**/tests/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]


def packages() -> list[Path]:
    return [ROOT / "core"] + sorted(p for p in (ROOT / "plugins").iterdir()
                                    if (p / "plugin.py").exists())


def po_path(pkg: Path) -> Path:
    return pkg / "translations" / LOCALE / "LC_MESSAGES" / "messages.po"


def extract(pkg: Path) -> Catalog:
    cat = Catalog(locale=LOCALE)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(pkg), METHODS, keywords=KEYWORDS, options_map={"**/templates/**.html": {}}):
        cat.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return cat


def load(pkg: Path) -> Catalog:
    path = po_path(pkg)
    if not path.exists():
        return Catalog(locale=LOCALE)
    with path.open("rb") as fh:
        return read_po(fh, locale=LOCALE)


def update() -> None:
    for pkg in packages():
        template = extract(pkg)
        cat = load(pkg)
        cat.update(template, no_fuzzy_matching=True)
        for msg in list(cat.obsolete.values()):
            del cat.obsolete[msg.id]
        path = po_path(pkg)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            # No line numbers: they change with every edit and churn every catalogue.
            write_po(fh, cat, width=100, omit_header=False, sort_output=True, include_lineno=False)
        print(f"{path.relative_to(ROOT)}: {len(cat)} messages")


def compile_all() -> None:
    for pkg in packages():
        path = po_path(pkg)
        if not path.exists():
            continue
        cat = load(pkg)
        with path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, cat, use_fuzzy=False)


def missing() -> dict[str, list[str]]:
    """msgids used in a package without a zh_CN translation in that package's
    catalogue (or core's, which plugins share)."""
    core = {(m.context, m.id) for m in load(ROOT / "core") if m.id and m.string}
    out: dict[str, list[str]] = {}
    for pkg in packages():
        own = {(m.context, m.id) for m in load(pkg) if m.id and m.string}
        lacking = []
        for msg in extract(pkg):
            if not msg.id:
                continue
            key = msg.id
            if (msg.context, key) not in own and (msg.context, key) not in core:
                lacking.append(key if isinstance(key, str) else key[0])
        if lacking:
            out[pkg.name] = sorted(set(lacking))
    return out


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "update":
        update()
    elif cmd == "compile":
        compile_all()
    elif cmd == "check":
        gaps = missing()
        for name, ids in gaps.items():
            print(f"{name}: {len(ids)} untranslated")
            for i in ids:
                print("   ", i)
        sys.exit(1 if gaps else 0)
    else:
        sys.exit(__doc__)
