"""The edit-conflict revisions add ``version`` (1 on every existing row) to a
database at the previous heads — on SQLite and on PostgreSQL — and so do
the revisions on top of them for the create-or-overwrite forms (budget
lines, promoter months, evaluations)."""
from __future__ import annotations

import os

from alembic import command
from sqlalchemy import text

from core.app import create_app
from core.migrate import alembic_config, pending_changes, upgrade

PG_URL = os.environ.get("QUDAO_TEST_DATABASE_URL", "")
#: The revision before the version column, per branch.
PREVIOUS = ("c3f1d2e4a5b6", "b7c41d2e9a05", "5d8c1b7e2f90", "2ea5cd7c9258")


def test_upgrade_from_the_previous_heads_numbers_existing_rows_1(tmp_path, empty_db_url):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_db_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers", "finance", "dealers"]})
    engine = app.extensions["qudao"].db.engine
    try:
        with engine.begin() as conn:
            cfg = alembic_config(app, conn)
            for rev in PREVIOUS:
                command.upgrade(cfg, rev)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO core_org_unit (code, name, kind, path, active, "
                              "created_at, updated_at) VALUES ('HQ', '总部', 'company', '/1/', "
                              ":t, :f, :f)"), {"t": True, "f": "2026-01-01 00:00:00"})
        upgrade(app)
        assert pending_changes(app) == []
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version FROM core_org_unit")).scalar_one() == 1
            for table in ("core_user", "core_role", "customers_customer", "customers_contact",
                          "customers_visit", "finance_credit_profile", "finance_rebate_claim",
                          "dealers_product", "dealers_price_list", "dealers_terminal",
                          "dealers_dealer_profile", "finance_budget", "dealers_promoter_month",
                          "customers_evaluation"):
                conn.execute(text(f"SELECT version FROM {table}")).all()
    finally:
        app.extensions["qudao"].db.dispose()


#: The heads before the create-or-overwrite forms' version columns, per branch.
BEFORE_KEYED = ("ef49d49243b1", "dbd2655dcfbd", "8b22b248532b", "00b4552d19fb")


def test_keyed_forms_revisions_number_existing_rows_1(tmp_path, empty_db_url):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "DATABASE_URL": empty_db_url,
                      "SECRET_KEY": "t", "PLUGINS": ["customers", "finance", "dealers"]})
    engine = app.extensions["qudao"].db.engine
    try:
        with engine.begin() as conn:
            cfg = alembic_config(app, conn)
            for rev in BEFORE_KEYED:
                command.upgrade(cfg, rev)
        with engine.begin() as conn:
            t = {"t": True, "f": "2026-01-01 00:00:00"}
            conn.execute(text("INSERT INTO core_org_unit (code, name, kind, path, active, "
                              "created_at, updated_at) VALUES ('HQ', '总部', 'company', '/1/', "
                              ":t, :f, :f)"), t)
            conn.execute(text("INSERT INTO finance_budget (org_unit_id, year, month, kind, "
                              "amount, note, created_at, updated_at) SELECT id, 2026, 1, "
                              "'sales', 100, '', :f, :f FROM core_org_unit"), t)
            conn.execute(text("INSERT INTO customers_customer (code, name, kind, status, tags, "
                              "province, city, county, town, address, phone, legal_person, "
                              "org_unit_id, created_at, updated_at) SELECT 'C1', '客户', 'member', "
                              "'prospect', '', '', '', '', '', '', '', '', id, :f, :f "
                              "FROM core_org_unit"), t)
            conn.execute(text("INSERT INTO customers_evaluation (customer_id, period, \"transaction\", "
                              "profitability, safety, growth, cooperation, score, action, "
                              "evaluated_at) SELECT id, '2026-Q1', 3, 3, 3, 3, 3, 3, 'support', :f "
                              "FROM customers_customer"), t)
        upgrade(app)
        assert pending_changes(app) == []
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version FROM finance_budget")).scalar_one() == 1
            assert conn.execute(text("SELECT version FROM customers_evaluation")).scalar_one() == 1
            conn.execute(text("SELECT version FROM dealers_promoter_month")).all()
    finally:
        app.extensions["qudao"].db.dispose()
