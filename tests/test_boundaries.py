"""The import boundaries of issue 17, enforced: the import-linter contracts
in ``.importlinter`` (core has no import loops, core imports no plugin, a
plugin imports another only through its ``api.py`` or ``hookspecs.py``,
services import neither the web layer nor Flask — imports inside functions
count), and importing any module does no work (no listener registered, no
thread, no app, no plugin manager, no file)."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / ".importlinter"


def _lint(config: Path) -> tuple[bool, str]:
    """Run import-linter on ``config`` (in a child process: it imports
    nothing of ours, but keeps its output and state out of this one)."""
    code = textwrap.dedent(f"""
        import sys
        from importlinter.application.use_cases import lint_imports
        from importlinter.configuration import configure
        configure()
        sys.exit(0 if lint_imports(config_filename={str(config)!r}, cache_dir=None,
                                   no_logo=True) else 1)
    """)
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    return r.returncode == 0, r.stdout + r.stderr


def test_import_contracts_are_kept():
    ok, out = _lint(CONTRACTS)
    assert ok, out
    assert "0 broken" in out and "BROKEN" not in out, out


def test_a_loop_inside_a_function_breaks_the_contract(tmp_path):
    """The contracts see what the issue found: a service reaching into the
    web layer from inside a function is a loop and a broken rule."""
    pkg = tmp_path / "core"
    # A copy of core with one in-function import back into core.web.
    import shutil

    shutil.copytree(ROOT / "core", pkg, ignore=shutil.ignore_patterns(
        "__pycache__", "static", "templates", "translations", "migrations"))
    shutil.copytree(ROOT / "plugins", tmp_path / "plugins", ignore=shutil.ignore_patterns(
        "__pycache__", "static", "templates", "translations", "migrations"))
    access = pkg / "access.py"
    access.write_text(access.read_text() + textwrap.dedent("""

        def _sneak():
            from .web.request import signed_in

            return signed_in()
    """))
    config = tmp_path / ".importlinter"
    config.write_text(CONTRACTS.read_text())
    code = textwrap.dedent(f"""
        import sys
        from importlinter.application.use_cases import lint_imports
        from importlinter.configuration import configure
        configure()
        sys.exit(0 if lint_imports(config_filename={str(config)!r}, cache_dir=None,
                                   no_logo=True) else 1)
    """)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "Core has no import loops (between modules, nor between sibling packages) BROKEN" in out
    assert "Services do not import the web layer, not even through another module BROKEN" in out


PROBE = r'''
import atexit, importlib, os, pkgutil, sys, threading
import sqlalchemy.event

calls = []


def watch(owner, name):
    real = getattr(owner, name)

    def spy(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller.split(".")[0] in ("core", "plugins"):
            calls.append(f"{caller}: {owner.__name__}.{name}")
        return real(*args, **kwargs)

    setattr(owner, name, spy)


watch(sqlalchemy.event, "listen")
watch(sqlalchemy.event, "listens_for")
watch(atexit, "register")
watch(threading.Thread, "start")

names = []
for top in ("core", "plugins"):
    pkg = importlib.import_module(top)
    for m in pkgutil.walk_packages(pkg.__path__, top + "."):
        if ".tests" in m.name or ".migrations" in m.name:
            continue
        importlib.import_module(m.name)
        names.append(m.name)

import gc
import flask, pluggy
made = [type(o).__name__ for o in gc.get_objects()
        if isinstance(o, (flask.Flask, pluggy.PluginManager))]
print(len(names), "modules")
print("CALLS", calls)
print("MADE", made)
print("FILES", sorted(os.listdir(".")))
'''


#: Plugin modules still registering SQLAlchemy listeners when imported: the
#: DDL of the customer search index and of the ledger's triggers, attached to
#: their own tables (SQLAlchemy's way of tying DDL to a table), and the
#: search index's flush listener.  Core has none; the finance chart's
#: session listener is registered by the app (``register_session_events``);
#: nothing may be added to this list.
KNOWN_IMPORT_TIME_LISTENERS = {
    "plugins.customers.services.searchindex: sqlalchemy.event.listen",
    "plugins.finance.models.ledger: sqlalchemy.event.listen",
    "plugins.finance.models.triggers: sqlalchemy.event.listen",
}


def test_importing_a_module_does_no_work(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUDAO_DATA_DIR": str(tmp_path / "data")}
    r = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines() if " " in line)
    assert int(r.stdout.split()[0]) > 100, r.stdout  # every module was imported
    calls = set(ast.literal_eval(lines["CALLS"]))
    assert calls <= KNOWN_IMPORT_TIME_LISTENERS, r.stdout  # no listener, atexit hook or thread
    assert lines["MADE"] == "[]", r.stdout  # no app, no plugin manager
    assert lines["FILES"] == "[]", r.stdout  # nothing written
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("module", ["core.access", "core.settings", "core.services",
                                    "core.state_cache"])
def test_services_do_not_load_the_web_layer(module):
    """Importing a service loads no module of ``core.web``."""
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('core.web')))"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", r.stdout


def test_no_session_info_side_door_to_the_app():
    """The app's registries reach services as ``session.ext`` (a typed
    attribute of ``core.db.AppSession``), never through ``session.info``."""
    side_door = re.compile(r"""\.info\s*(\[\s*|\.get\(\s*|\.setdefault\(\s*)["']ext["']""")
    found = []
    for top in ("core", "plugins", "bench", "scripts", "tests"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if path == Path(__file__).resolve():
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if side_door.search(line) or re.search(r"info\s*=\s*\{\s*[\"']ext[\"']", line):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []


def test_sessions_carry_the_app(app):
    from core.db import AppSession

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        assert isinstance(s, AppSession)
        assert s.ext is ext
        assert "ext" not in s.info
