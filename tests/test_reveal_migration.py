"""An installation from before issue 18 gets ``core.reveal_pii`` for its
admin role on upgrade (default permissions are only granted when a plugin is
first enabled), once; other roles are left as the admin set them — on SQLite
and on PostgreSQL (``QUDAO_TEST_DATABASE_URL``)."""
from __future__ import annotations

import importlib

from alembic import command
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text

from core.app import create_app
from core.migrate import alembic_config, pending_changes, upgrade


#: The core head before the grant.
BEFORE = "ef49d49243b1"


def _codes(conn, role: str) -> list[str]:
    return sorted(conn.execute(text(
        "SELECT p.code FROM core_role_permission p JOIN core_role r ON r.id = p.role_id "
        "WHERE r.name = :r"), {"r": role}).scalars())


def test_upgrade_grants_reveal_to_the_admin_role_once(tmp_path, empty_db_url):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_db_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers"]})
    engine = app.extensions["qudao"].db.engine
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(app, conn), BEFORE)
        with engine.begin() as conn:
            f = {"t": True, "n": False, "f": "2026-01-01 00:00:00"}
            for name, label in (("admin", "管理员"), ("finance", "财务"), ("salesperson", "业务员")):
                conn.execute(text("INSERT INTO core_role (name, label, scope, read_only, builtin, "
                                  "created_at, updated_at) VALUES (:name, :label, 'all', :n, :t, "
                                  ":f, :f)"), {**f, "name": name, "label": label})
            conn.execute(text("INSERT INTO core_role_permission (role_id, code) SELECT id, "
                              "'core.admin' FROM core_role WHERE name = 'admin'"))
            conn.execute(text("INSERT INTO core_role_permission (role_id, code) SELECT id, "
                              "'core.audit_view' FROM core_role WHERE name = 'finance'"))
        upgrade(app)
        assert pending_changes(app) == []
        with engine.connect() as conn:
            assert _codes(conn, "admin") == ["core.admin", "core.reveal_pii"]
            assert _codes(conn, "finance") == ["core.audit_view"]
            assert _codes(conn, "salesperson") == []
        # Run again (an admin who already holds it): still one row.
        with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
            importlib.import_module(
                "core.migrations.versions.d9ac27e7d813_grant_reveal_pii_to_admin").upgrade()
        with engine.connect() as conn:
            assert _codes(conn, "admin") == ["core.admin", "core.reveal_pii"]
    finally:
        app.extensions["qudao"].db.dispose()


def test_a_new_database_without_roles_upgrades(tmp_path, empty_db_url):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_db_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers"]})
    try:
        upgrade(app)
        assert pending_changes(app) == []
        with app.extensions["qudao"].db.engine.connect() as conn:
            assert _codes(conn, "admin") == []
    finally:
        app.extensions["qudao"].db.dispose()
