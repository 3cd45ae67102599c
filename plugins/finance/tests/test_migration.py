"""The finance Alembic revision builds the schema the models describe and
installs the ledger triggers, on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from core.app import create_app
from core.migrate import pending_changes, upgrade

PG_URL = os.environ.get("QUDAO_TEST_DATABASE_URL", "")


@pytest.fixture
def empty_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    schema = f"finmig_{uuid.uuid4().hex[:10]}"
    eng = create_engine(PG_URL)
    with eng.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with eng.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    eng.dispose()


def test_migrated_database_matches_models_and_guards_the_ledger(tmp_path, empty_url):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers", "finance"]})
    db = app.extensions["qudao"].db
    try:
        upgrade(app)
        assert pending_changes(app) == []
        from datetime import date

        from plugins.finance.services import chart, ledger

        with db.session() as s:
            chart.ensure_setup(s)
            e = ledger.post_entry(s, "GEN", date.today(), [ledger.LineSpec("1002", debit="5.00"),
                                                           ledger.LineSpec("6001", credit="5.00")])
            entry_id = e.id
        with pytest.raises(IntegrityError, match="immutable"):
            with db.engine.begin() as c:
                c.execute(text("UPDATE finance_line SET debit = 6 WHERE entry_id = :i"),
                          {"i": entry_id})
    finally:
        db.dispose()
