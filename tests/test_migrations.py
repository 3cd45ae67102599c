"""`qudao db upgrade` on an empty database builds exactly the schema the
models describe — on SQLite and on PostgreSQL."""
import os

import pytest
from sqlalchemy import inspect

from core.app import create_app
from core.cli import main
from core.migrate import pending_changes, upgrade

PG_URL = os.environ.get("QUDAO_TEST_DATABASE_URL", "")


def _app(tmp_path, url, plugins=None):
    return create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url, "SECRET_KEY": "t",
                       "PLUGINS": plugins})


def _describe(diffs) -> list[str]:
    """One readable line per difference, e.g. "add_table customers_customer"."""
    out = []
    for d in diffs:
        d = d[0] if isinstance(d, list) else d
        names = [getattr(p, "name", None) or (p if isinstance(p, str) else "") for p in d[1:4]]
        out.append(" ".join([d[0]] + [n for n in names if n]))
    return out


@pytest.mark.parametrize("plugins", [[], None], ids=["core-only", "all-plugins"])
def test_upgrade_on_an_empty_database_matches_the_models(tmp_path, empty_db_url, plugins):
    app = _app(tmp_path, empty_db_url, plugins)
    try:
        upgrade(app)
        tables = set(inspect(app.extensions["qudao"].db.engine).get_table_names())
        assert {"core_user", "core_org_unit", "core_audit_log", "alembic_branch_version"} <= tables
        assert _describe(pending_changes(app)) == []
    finally:
        app.extensions["qudao"].db.dispose()


def test_db_upgrade_command_is_repeatable(tmp_path, empty_db_url):
    app = _app(tmp_path, empty_db_url)
    try:
        runner = app.test_cli_runner()
        for _ in range(2):
            res = runner.invoke(main, ["db", "upgrade"])
            assert res.exit_code == 0, res.output
            assert "up to date" in res.output
        assert _describe(pending_changes(app)) == []
    finally:
        app.extensions["qudao"].db.dispose()


def test_init_creates_schema_admin_and_is_idempotent(tmp_path, empty_db_url):
    app = _app(tmp_path, empty_db_url)
    try:
        runner = app.test_cli_runner()
        first = runner.invoke(main, ["init", "--password-stdin"], input="a-long-password\n")
        assert first.exit_code == 0, first.output
        assert "admin" in first.output
        again = runner.invoke(main, ["init"])
        assert again.exit_code == 0, again.output
        assert "password" not in again.output  # the admin exists: nothing new to tell
        client = app.test_client()
        token = client.get("/login").get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        resp = client.post("/login", data={"username": "admin", "password": "a-long-password",
                                           "csrf_token": token})
        assert resp.status_code == 302
    finally:
        app.extensions["qudao"].db.dispose()
