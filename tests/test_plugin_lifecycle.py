"""A plugin's life in the database: each branch recorded on its own, a
third-party plugin whose package is gone named and skipped, uninstalled on
request, one plugin's branch downgraded; the admin page shows what a switch
affects and asks why, and the trail keeps it.  SQLite and PostgreSQL."""
from __future__ import annotations

import os
import sys

import pytest
from sqlalchemy import func, inspect, select, text

from core.app import create_app
from core.cli import main
from core.migrate import branches, recorded_versions
from qdtest.models import Note  # noqa: F401  (its table must be in the test schema)

PG_URL = os.environ.get("QUDAO_TEST_DATABASE_URL", "")
REASON = {"reason": "测试：切换插件"}

# A third-party plugin as it ships: its own package, its own Alembic branch
# labelled "acme" (two revisions), depending on customers.
PLUGIN_PY = '''
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.hookspecs import hookimpl
from core.registry import Manifest, MenuItem, Permission, SettingSpec

MANIFEST = Manifest("acme", "阿克米", "Acme", "0.1.0", depends=("customers",),
                    description="A third-party plugin.")


class _Base(DeclarativeBase):  # its own metadata: nothing left behind in core's
    pass


class AcmeThing(_Base):
    __tablename__ = "acme_thing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


@hookimpl
def register_models():
    return [AcmeThing]


@hookimpl
def register_permissions():
    return [Permission("acme.view", "View acme things", ("manager",))]


@hookimpl
def register_settings():
    return [SettingSpec("acme.colour", "str", "red", "Colour")]


@hookimpl
def menu_items(menu, user):
    if menu == "main":
        return [MenuItem("Acme things", "documents.index", 70, "acme.view")]
    return []
'''

FIRST = '''
from alembic import op
import sqlalchemy as sa

revision = "acme00000001"
down_revision = None
branch_labels = ("acme",)
depends_on = {deps!r}


def upgrade():
    op.create_table("acme_thing", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("name", sa.String(40), nullable=False))


def downgrade():
    op.drop_table("acme_thing")
'''

SECOND = '''
from alembic import op
import sqlalchemy as sa

revision = "acme00000002"
down_revision = "acme00000001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("acme_extra", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("thing_id", sa.Integer(), sa.ForeignKey("acme_thing.id")))


def downgrade():
    op.drop_table("acme_extra")
'''


@pytest.fixture
def acme(tmp_path, monkeypatch):
    """Install the acme distribution (entry point ``qudao.plugins``) in a
    folder on sys.path; ``acme.uninstall()`` takes the package away."""
    heads = _heads(tmp_path)
    site = tmp_path / "site"
    pkg = site / "acme_qudao"
    (pkg / "migrations" / "versions").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "plugin.py").write_text(PLUGIN_PY)
    (pkg / "migrations" / "versions" / "acme00000001_things.py").write_text(
        FIRST.format(deps=[heads["core"], heads["customers"]]))
    (pkg / "migrations" / "versions" / "acme00000002_extra.py").write_text(SECOND)
    dist = site / "acme_qudao-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-qudao\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[qudao.plugins]\nacme = acme_qudao.plugin\n")
    monkeypatch.syspath_prepend(str(site))

    class Handle:
        def uninstall(self):
            sys.path.remove(str(site))
            for name in [m for m in sys.modules if m.split(".")[0] == "acme_qudao"]:
                del sys.modules[name]
            import importlib

            importlib.invalidate_caches()

    yield Handle()
    # monkeypatch puts sys.path back as it was; the modules go here.
    for name in [m for m in sys.modules if m.split(".")[0] == "acme_qudao"]:
        del sys.modules[name]


def _heads(tmp_path) -> dict[str, str]:
    app = create_app({"DATA_DIR": str(tmp_path / "h"), "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
                      "SECRET_KEY": "t", "PLUGINS": ["customers"]})
    br = branches(app)
    return {"core": br.head("core"), "customers": br.head("customers")}


def _app(tmp_path, url):
    return create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url,
                       "SECRET_KEY": "t", "TESTING": True})


def _cli(app, *args, input=None):
    return app.test_cli_runner().invoke(main, list(args), input=input)


def _versions(app) -> dict[str, str]:
    with app.extensions["qudao"].db.engine.connect() as c:
        return recorded_versions(c)


def _tables(app) -> set[str]:
    return set(inspect(app.extensions["qudao"].db.engine).get_table_names())


def _scalar(app, sql, **params):
    with app.extensions["qudao"].db.engine.connect() as c:
        return c.execute(text(sql), params).scalar()


GONE = "plugin acme is recorded in the database but not installed; skipped"


def test_gone_plugin_is_named_and_skipped_and_other_branches_keep_their_versions(
        tmp_path, empty_db_url, acme):
    app = _app(tmp_path, empty_db_url)
    try:
        assert "acme" in app.extensions["qudao"].host.order  # found by its entry point
        res = _cli(app, "init", "--password-stdin", input="a-long-password\n")
        assert res.exit_code == 0, res.output
        heads = {n: branches(app).head(n) for n in ("core", "customers", "finance", "acme")}
        before = _versions(app)
        # acme's first revision depends on core's and customers' heads: each
        # branch keeps its own row all the same.
        assert {n: before[n] for n in heads} == heads
        with app.extensions["qudao"].db.engine.begin() as c:
            c.execute(text("INSERT INTO acme_thing (name) VALUES ('x')"))
    finally:
        app.extensions["qudao"].db.dispose()

    acme.uninstall()
    app = _app(tmp_path, empty_db_url)
    try:
        assert "acme" not in app.extensions["qudao"].host.order
        res = _cli(app, "db", "upgrade")
        assert res.exit_code == 0, res.output
        assert GONE in res.output and "Traceback" not in res.output
        res = _cli(app, "init")
        assert res.exit_code == 0, res.output
        assert GONE in res.output
        assert _versions(app) == before  # nobody's version moved, acme's included
        assert "acme_thing" in _tables(app)  # its data waits for a decision
        listed = _cli(app, "plugins", "list").output
        assert "acme" in listed and "missing" in listed.split("acme", 1)[1].splitlines()[0]

        res = _cli(app, "plugins", "uninstall", "acme", "--yes")
        assert res.exit_code == 0, res.output
        assert "acme_thing" in res.output and "1 row(s)" in res.output
        assert not {"acme_thing", "acme_extra"} & _tables(app)
        assert "acme" not in _versions(app)
        assert _scalar(app, "SELECT count(*) FROM core_plugin_state WHERE name = 'acme'") == 0
        res = _cli(app, "db", "upgrade")
        assert res.exit_code == 0 and "acme" not in res.output
    finally:
        app.extensions["qudao"].db.dispose()


def test_uninstall_asks_refuses_dependencies_and_core_then_drops_everything(
        tmp_path, empty_db_url, acme):
    app = _app(tmp_path, empty_db_url)
    ext = app.extensions["qudao"]
    try:
        assert _cli(app, "init", "--password-stdin", input="a-long-password\n").exit_code == 0
        with ext.db.engine.begin() as c:
            c.execute(text("INSERT INTO acme_thing (name) VALUES ('a'), ('b')"))
        from core import settings

        with ext.db.session() as s:
            settings.set(s, "acme.colour", "blue", None)
        grants = "SELECT count(*) FROM core_role_permission WHERE code LIKE 'acme.%'"
        assert _scalar(app, grants) > 0

        res = _cli(app, "plugins", "uninstall", "acme", input="n\n")
        assert res.exit_code != 0 and "cancelled" in res.output
        assert "acme_thing" in res.output and "2 row(s)" in res.output
        assert "qudao backup FILE" in res.output
        assert _scalar(app, "SELECT count(*) FROM acme_thing") == 2

        res = _cli(app, "plugins", "uninstall", "customers", "--yes")
        assert res.exit_code != 0 and "acme" in res.output and "finance" in res.output
        assert "customers_customer" in _tables(app)
        res = _cli(app, "plugins", "uninstall", "core", "--yes")
        assert res.exit_code != 0 and "core cannot be uninstalled" in res.output

        res = _cli(app, "plugins", "uninstall", "acme", "--reason", "供应商停止维护", input="y\n")
        assert res.exit_code == 0, res.output
        assert not {"acme_thing", "acme_extra"} & _tables(app)
        assert "acme" not in _versions(app)
        assert _scalar(app, grants) == 0
        assert _scalar(app, "SELECT count(*) FROM core_setting WHERE key = 'acme.colour'") == 0
        assert _scalar(app, "SELECT count(*) FROM core_plugin_state WHERE name = 'acme'") == 0
        assert _scalar(app, "SELECT reason FROM core_audit_log WHERE table_name = 'core_plugin_state'"
                            " AND record_id = 'acme' AND action = 'delete'") == "供应商停止维护"
        assert "customers_customer" in _tables(app)  # nobody else's tables
    finally:
        ext.db.dispose()


def test_downgrade_takes_back_one_plugins_branch_only(tmp_path, empty_db_url, acme):
    app = _app(tmp_path, empty_db_url)
    try:
        assert _cli(app, "db", "upgrade").exit_code == 0
        before = _versions(app)
        assert before["acme"] == "acme00000002"
        res = _cli(app, "db", "downgrade", "--plugin", "acme", "acme00000001")
        assert res.exit_code == 0, res.output
        assert "acme_extra" not in _tables(app) and "acme_thing" in _tables(app)
        assert _versions(app) == {**before, "acme": "acme00000001"}

        # customers' first revision is needed by every dependant's applied ones;
        # the refusal names one of them
        res = _cli(app, "db", "downgrade", "--plugin", "customers", "base")
        assert res.exit_code != 0 and "downgrade" in res.output
        assert any(f"plugin {n}'s revision" in res.output
                   for n in ("acme", "finance", "dealers", "stores_demo", "banking_rm"))
        assert "Traceback" not in res.output
        assert _versions(app)["customers"] == before["customers"]
        res = _cli(app, "db", "downgrade", "--plugin", "acme", "nosuchrev")
        assert res.exit_code != 0 and "nosuchrev" in res.output

        res = _cli(app, "db", "downgrade", "--plugin", "acme", "base")
        assert res.exit_code == 0, res.output
        assert "acme_thing" not in _tables(app) and "acme" not in _versions(app)
        assert _cli(app, "db", "upgrade").exit_code == 0
        assert _versions(app) == before
    finally:
        app.extensions["qudao"].db.dispose()


def test_a_database_migrated_with_one_alembic_version_table_is_converted(tmp_path, empty_db_url):
    """Databases from before: Alembic's single table, read once and dropped."""
    from alembic import command

    from core.migrate import alembic_config, upgrade

    app = _app(tmp_path, empty_db_url)
    try:
        with app.extensions["qudao"].db.engine.begin() as conn:
            command.upgrade(alembic_config(app, conn), "heads")
        assert "alembic_version" in _tables(app)
        result = upgrade(app)
        assert result.applied == {} and result.gone == []
        br = branches(app)
        assert _versions(app) == {n: br.head(n) for n in br.order if br.head(n)}
        assert "alembic_version" not in _tables(app)
    finally:
        app.extensions["qudao"].db.dispose()


# -- the admin page -------------------------------------------------------------
@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


def _enabled(app) -> frozenset:
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        return ext.host.enabled(s)


def test_admin_switch_shows_what_it_affects_and_requires_a_reason(app, client):
    from core.models import AuditLog

    client.login("admin")
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        s.add_all([Note(title=f"n{i}", org_unit_id=1) for i in range(3)])
    html = client.get("/admin/plugins").get_data(as_text=True)
    assert 'href="/admin/plugins/qdtest/disable"' in html

    page = client.get("/admin/plugins/qdtest/disable")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    tables = html.split('id="impact-tables"')[1].split("</table>")[0]
    assert "qdtest_note" in tables and '<td class="num">3</td>' in tables
    assert "测试便笺" in html.split('id="impact-menus"')[1].split("</ul>")[0]
    assert "qdtest.view" in html.split('id="impact-permissions"')[1]
    assert 'name="reason"' in html

    resp = client.post_form("/admin/plugins/qdtest/disable", {"reason": "  "})
    assert resp.status_code == 400
    assert "请填写变更原因。" in resp.get_data(as_text=True)
    assert "qdtest" in _enabled(app)

    resp = client.post_form("/admin/plugins/qdtest/disable", {"reason": "季度停用测试便笺"})
    assert resp.status_code == 302
    assert "qdtest" not in _enabled(app)
    with ext.db.session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.table_name == "core_plugin_state",
                                               AuditLog.record_id == "qdtest")
                        .order_by(AuditLog.id.desc())).first()
        assert row.reason == "季度停用测试便笺"
        assert row.changes["enabled"] == [True, False]
        assert row.user_id is not None
        assert s.scalar(select(func.count()).select_from(Note)) == 3  # data kept

    resp = client.post_form("/admin/plugins/qdtest/enable", {"reason": "恢复"})
    assert resp.status_code == 302 and "qdtest" in _enabled(app)


def test_admin_preview_names_dependants_and_missing_dependencies(app, client):
    client.login("admin")
    html = client.get("/admin/plugins/customers/disable").get_data(as_text=True)
    assert "finance" in html.split('id="impact-dependants"')[1].split("</dd>")[0]
    assert 'name="reason"' not in html  # refused while enabled plugins need it
    for name in ("dealers", "stores_demo", "banking_rm", "finance", "customers"):
        assert client.post_form(f"/admin/plugins/{name}/disable", REASON).status_code == 302
    html = client.get("/admin/plugins/finance/enable").get_data(as_text=True)
    assert "<code>customers</code>" in html.split('id="missing-deps"')[1]
    assert "customers" in html.split('id="impact-dependencies"')[1].split("</dd>")[0]


def test_cli_switch_records_its_reason(app):
    runner = app.test_cli_runner()
    res = runner.invoke(main, ["plugins", "disable", "qdtest", "--reason", "月底盘点"])
    assert res.exit_code == 0, res.output
    with app.extensions["qudao"].db.engine.connect() as c:
        reason = c.execute(text(
            "SELECT reason FROM core_audit_log WHERE table_name = 'core_plugin_state' "
            "AND record_id = 'qdtest' ORDER BY id DESC")).scalar()
    assert reason == "月底盘点"


def test_revision_is_refused_until_upgraded_then_lands_in_the_plugins_branch(
        tmp_path, empty_db_url, acme):
    app = _app(tmp_path, empty_db_url)
    try:
        res = _cli(app, "db", "revision", "--plugin", "acme", "-m", "more")
        assert res.exit_code != 0 and "qudao db upgrade" in res.output
        assert _cli(app, "db", "upgrade").exit_code == 0
        res = _cli(app, "db", "revision", "--plugin", "acme", "-m", "more")
        assert res.exit_code == 0, res.output
        new = [p for p in (tmp_path / "site" / "acme_qudao" / "migrations" / "versions").glob("*.py")
               if "more" in p.name]
        assert len(new) == 1
        assert "down_revision = 'acme00000002'" in new[0].read_text()
        assert "alembic_version_autogen" not in _tables(app)
    finally:
        app.extensions["qudao"].db.dispose()
