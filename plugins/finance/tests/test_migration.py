"""The finance Alembic revision builds the schema the models describe and
installs the ledger triggers, on SQLite and on PostgreSQL."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.app import create_app
from core.migrate import pending_changes, upgrade
from core import clock

PG_URL = os.environ.get("QUDAO_TEST_DATABASE_URL", "")


def test_migrated_database_matches_models_and_guards_the_ledger(tmp_path, empty_db_url):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_db_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers", "finance"]})
    db = app.extensions["qudao"].db
    try:
        upgrade(app)
        assert pending_changes(app) == []
        from datetime import date

        from plugins.finance.services import chart, ledger

        with db.session() as s:
            chart.ensure_setup(s)
            e = ledger.post_entry(s, "GEN", clock.today(), [ledger.LineSpec("1002", debit="5.00"),
                                                           ledger.LineSpec("6001", credit="5.00")])
            entry_id = e.id
        with pytest.raises(IntegrityError, match="immutable"):
            with db.engine.begin() as c:
                c.execute(text("UPDATE finance_line SET debit = 6 WHERE entry_id = :i"),
                          {"i": entry_id})
    finally:
        db.dispose()


def test_running_totals_revision_fills_them_from_the_lines_already_posted(tmp_path, empty_db_url):
    """A database that posted lines before the revision gets their totals
    from the migration, and the trigger it installs counts the next ones."""
    from datetime import date
    from decimal import Decimal

    from core.migrate import downgrade
    from core.services import create_org_unit
    from plugins.customers.services import master as customers
    from plugins.finance.services import chart, ledger

    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_db_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers", "finance"]})
    db = app.extensions["qudao"].db
    today = clock.today()

    def pay(s, customer_id, amount):
        ledger.post_entry(s, "GEN", today, [
            ledger.LineSpec("1002", debit=amount),
            ledger.LineSpec("2203", credit=amount, customer_id=customer_id)])

    def totals():
        with db.engine.connect() as c:
            return [tuple(r) for r in c.execute(text(
                "SELECT customer_id, ROUND(debit, 2), ROUND(credit, 2) FROM finance_balance"))]

    try:
        upgrade(app)
        # back to the revision before the totals (finance's branch only)
        assert downgrade(app, "finance", "9e47226719d7") == ["c4d1f0a7b9e2", "5607e0575bbd",
                                                            "8b22b248532b", "5d8c1b7e2f90"]
        with db.session() as s:
            s.info["enabled"] = frozenset(app.extensions["qudao"].host.order)
            chart.ensure_setup(s)
            unit = create_org_unit(s, "OFF1", "杭州办事处", "office")
            cid = customers.create_customer(s, name="西湖家电商行",
                                            kind=customers.kinds(s)[0][0],
                                            org_unit_id=unit.id).id
            pay(s, cid, "10.00")
            pay(s, cid, "2.50")
        upgrade(app)
        assert pending_changes(app) == []
        assert [(c, Decimal(str(d)), Decimal(str(k))) for c, d, k in totals()] == [
            (cid, Decimal("0"), Decimal("12.5"))]
        with db.session() as s:
            pay(s, cid, "0.25")
        assert [Decimal(str(k)) for _c, _d, k in totals()] == [Decimal("12.75")]
        with db.session() as s:
            assert ledger.verify_chain(s).ok
    finally:
        db.dispose()
