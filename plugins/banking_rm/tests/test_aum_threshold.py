"""One AUM line for the value matrix and the check-ups: the check-up
schedule follows ``banking_rm.matrix_aum_threshold``; the old
``banking_rm.checkup_aum_line`` is gone, and a value stored for it moves to
the matrix's setting on upgrade (SQLite and PostgreSQL)."""
from __future__ import annotations

import importlib
from datetime import date

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text

from core import settings
from core.app import create_app
from core.migrate import upgrade
from core.models import User

from .care_helpers import Branch
from core import clock

MIGRATION = "plugins.banking_rm.migrations.versions.5b0c2e7d9a14_one_aum_threshold_setting"


def test_checkups_follow_the_matrix_threshold(app, make_user, make_org, db, client):
    from plugins.banking_rm.services import checkups

    branch = Branch.build(app, make_user, make_org)
    rich = branch.customer("六十万", "rm1", potential="high")
    branch.holding(rich, "600000.00", None, kind="deposit")
    from plugins.banking_rm.models import BankCheckup

    with branch.db.session() as s:
        s.add(BankCheckup(customer_id=rich, done_on=checkups.months_back(clock.today(), 4), findings="x"))
    head = db.get(User, branch.users["head"].id)
    # 600,000 ≥ 500,000: high AUM, high potential → every 3 months → overdue
    assert [r.cell for r in db.execute(checkups.overdue(db, head, clock.today()))] == ["high_high"]
    with branch.db.session() as s:
        settings.set(s, "banking_rm.matrix_aum_threshold", "700000")
    db.rollback()
    db.info.pop("_settings", None)
    # now low AUM, high potential → every 6 months → 4 months ago is not overdue
    assert db.execute(checkups.overdue(db, head, clock.today())).all() == []
    keys = set(app.extensions["qudao"].settings)
    assert "banking_rm.matrix_aum_threshold" in keys
    assert "banking_rm.checkup_aum_line" not in keys
    client.login("admin")
    html = client.get("/admin/settings").get_data(as_text=True)
    assert "matrix_aum_threshold" in html and "checkup_aum_line" not in html


def _rows(conn) -> dict:
    from sqlalchemy import select

    from core.models import Setting

    return dict(conn.execute(select(Setting.key, Setting.value).where(Setting.key.like("banking_rm.%"))).all())


def _run_migration(engine) -> None:
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        importlib.import_module(MIGRATION).upgrade()


def test_upgrade_moves_a_stored_checkup_line_to_the_matrix(tmp_path, empty_db_url):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_db_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers", "banking_rm"]})
    engine = app.extensions["qudao"].db.engine
    try:
        upgrade(app)
        ins = text("INSERT INTO core_setting (key, value, updated_at) VALUES (:k, :v, '2026-01-01 00:00:00')")
        with engine.begin() as conn:
            conn.execute(ins, {"k": "banking_rm.checkup_aum_line", "v": '"800000.00"'})
        _run_migration(engine)
        with engine.connect() as conn:
            assert _rows(conn) == {"banking_rm.matrix_aum_threshold": "800000.00"}
        # the matrix's own value wins over the old line; the old row still goes
        with engine.begin() as conn:
            conn.execute(ins, {"k": "banking_rm.checkup_aum_line", "v": '"100.00"'})
        _run_migration(engine)
        with engine.connect() as conn:
            assert _rows(conn) == {"banking_rm.matrix_aum_threshold": "800000.00"}
        _run_migration(engine)  # nothing stored: nothing happens
        with engine.connect() as conn:
            assert _rows(conn) == {"banking_rm.matrix_aum_threshold": "800000.00"}
    finally:
        app.extensions["qudao"].db.dispose()
