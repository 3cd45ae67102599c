"""Plugins per part of the org tree (issue 18): an admin chooses the org
units whose subtrees use a plugin; menus, home widgets, permissions and
routes follow, in every process at once.  And a plugin that offers no
features yet is never enabled."""
import pytest
from sqlalchemy import select

from conftest import QudaoClient
from core import bootstrap, services
from core.app import create_app
from core.cli import main
from core.models import AuditLog, OrgUnit, PluginScope, PluginState

DEALERS_MENU = 'data-endpoint="dealers.index"'
DEALERS_WIDGET = "/dealers/widgets/"
CUSTOMERS_MENU = 'data-endpoint="customers.'
UNBUILT = ("qdunbuilt",)  # tests/qdtest/unbuilt.py: a manifest, no hooks


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.unbuilt"]}


@pytest.fixture
def tree(make_org, make_user):
    """EAST branch company with an appliance office and a jewelry store;
    a manager in each, a finance user at the branch."""
    make_org("EAST", "华东分公司", "branch")
    office = make_org("OFF", "杭州办事处", "office", parent_code="EAST")
    store = make_org("STORE", "上海珠宝门店", "store", parent_code="EAST")
    make_user("off_mgr", "manager", org_code="OFF")
    make_user("store_mgr", "manager", org_code="STORE")
    make_user("east_fin", "finance", org_code="EAST")
    make_user("aud", "auditor", org_code="HQ")
    return {"office": office, "store": store}


def _scope(app, name, *codes):
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        units = list(s.execute(select(OrgUnit).where(OrgUnit.code.in_(codes))).scalars())
        services.set_plugin_scope(s, name, units, reason="test")


def _home(client, username):
    client.login(username)
    return client.get("/").get_data(as_text=True)


def test_store_staff_do_not_see_dealers_while_the_office_does(app, tree):
    _scope(app, "dealers", "OFF")
    office, store = app.test_client(), app.test_client()
    page = _home(office, "off_mgr")
    assert DEALERS_MENU in page and DEALERS_WIDGET in page
    assert office.get("/dealers/").status_code == 200
    page = _home(store, "store_mgr")
    assert DEALERS_MENU not in page and DEALERS_WIDGET not in page
    assert CUSTOMERS_MENU in page  # customers: the whole company
    assert store.get("/dealers/").status_code == 404
    assert store.get("/dealers/orders").status_code == 404
    assert store.get("/dealers/widgets/sell").status_code == 404


def test_permissions_of_a_plugin_out_of_scope_are_not_granted(app, tree):
    _scope(app, "dealers", "OFF")
    from core.access import has_permission, user_plugins
    from core.models import User

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        store_mgr = s.scalar(select(User).where(User.username == "store_mgr"))
        off_mgr = s.scalar(select(User).where(User.username == "off_mgr"))
        assert "dealers.view" in store_mgr.permission_codes  # the role holds it ...
        assert not has_permission(s, store_mgr, "dealers.view")  # ... the store does not use it
        assert has_permission(s, off_mgr, "dealers.view")
        assert "dealers" not in user_plugins(s, store_mgr)
        assert {"customers", "finance"} <= user_plugins(s, store_mgr)


def test_admin_auditor_and_the_branch_above_see_every_enabled_plugin(app, tree):
    _scope(app, "dealers", "OFF")
    for who in ("admin", "aud", "east_fin"):
        c = app.test_client()
        page = _home(c, who)
        assert DEALERS_MENU in page, who
        assert c.get("/dealers/").status_code == 200, who


def test_a_plugin_scope_brings_the_plugins_it_depends_on(app, tree):
    # finance is scoped to the office only, dealers (which needs it) to the store.
    _scope(app, "finance", "OFF")
    _scope(app, "dealers", "STORE")
    ext = app.extensions["qudao"]
    from core.access import user_plugins
    from core.models import User

    with ext.db.session() as s:
        store_mgr = s.scalar(select(User).where(User.username == "store_mgr"))
        mine = user_plugins(s, store_mgr)
    assert {"dealers", "finance", "customers"} <= mine


def test_scoping_moves_the_menus_at_once_in_every_process(app, tree):
    second = create_app({"DATA_DIR": app.config["DATA_DIR"],
                         "DATABASE_URL": app.config["DATABASE_URL"],
                         "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True})
    second.test_client_class = QudaoClient
    try:
        here, there = app.test_client(), second.test_client()
        assert DEALERS_MENU in _home(here, "store_mgr")
        assert DEALERS_MENU in _home(there, "store_mgr")  # both processes cached it
        assert there.get("/dealers/").status_code == 200
        admin = app.test_client()
        admin.login("admin")
        resp = admin.post_form("/admin/plugins/dealers/scope",
                               {"org_units": [str(tree["office"].id)],
                                "reason": "只有办事处经销家电"})
        assert resp.status_code == 302
        assert DEALERS_MENU not in here.get("/").get_data(as_text=True)
        assert DEALERS_MENU not in there.get("/").get_data(as_text=True)
        assert there.get("/dealers/").status_code == 404
        # And back to the whole company, from the command line.
        res = app.test_cli_runner().invoke(main, ["plugins", "scope", "dealers", "--everywhere"])
        assert res.exit_code == 0, res.output
        assert DEALERS_MENU in there.get("/").get_data(as_text=True)
        assert there.get("/dealers/").status_code == 200
    finally:
        second.extensions["qudao"].db.dispose()


def test_admin_page_asks_for_a_reason_and_audits_the_change(app, client, tree):
    client.login("admin")
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert "/admin/plugins/dealers/scope" in page
    form = client.get("/admin/plugins/dealers/scope").get_data(as_text=True)
    assert 'name="org_units"' in form and "上海珠宝门店" in form
    resp = client.post_form("/admin/plugins/dealers/scope",
                            {"org_units": [str(tree["office"].id)], "reason": ""})
    assert resp.status_code == 400
    assert "Give a reason" in resp.get_data(as_text=True) or "原因" in resp.get_data(as_text=True)
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        assert s.scalar(select(PluginScope.id)) is None  # nothing changed
    resp = client.post_form("/admin/plugins/dealers/scope",
                            {"org_units": [str(tree["office"].id)], "reason": "家电只在办事处"},
                            follow_redirects=True)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "杭州办事处" in page
    with ext.db.session() as s:
        rows = list(s.execute(select(PluginScope)).scalars())
        assert [(r.plugin, r.org_unit_id) for r in rows] == [("dealers", tree["office"].id)]
        logged = s.execute(select(AuditLog).where(AuditLog.table_name == "core_plugin_scope")
                           ).scalars().all()
        assert [(a.action, a.reason) for a in logged] == [("create", "家电只在办事处")]
        assert logged[0].user.username == "admin"
    # An unknown org unit id changes nothing.
    resp = client.post_form("/admin/plugins/dealers/scope",
                            {"org_units": ["999999"], "reason": "x"})
    assert resp.status_code == 400
    with ext.db.session() as s:
        assert s.scalar(select(PluginScope.org_unit_id)) == tree["office"].id
    # The store manager may not open the page.
    other = app.test_client()
    other.login("store_mgr")
    assert other.get("/admin/plugins/dealers/scope").status_code == 403


def test_cli_scope(app, tree):
    run = app.test_cli_runner()
    res = run.invoke(main, ["plugins", "scope", "dealers", "--org-unit", "OFF",
                            "--org-unit", "STORE", "--reason", "两个单位"])
    assert res.exit_code == 0, res.output
    assert "dealers used by: OFF, STORE" in res.output
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        codes = sorted(u.code for u in ext.host.scope_units(s, "dealers"))
        assert codes == ["OFF", "STORE"]
        reasons = set(s.execute(select(AuditLog.reason)
                                .where(AuditLog.table_name == "core_plugin_scope")).scalars())
        assert reasons == {"两个单位"}
    listing = run.invoke(main, ["plugins", "list"]).output
    assert "used by: OFF,STORE" in [l for l in listing.splitlines() if l.startswith("dealers")][0]
    res = run.invoke(main, ["plugins", "scope", "dealers", "--org-unit", "NOPE"])
    assert res.exit_code != 0 and "NOPE" in res.output
    res = run.invoke(main, ["plugins", "scope", "dealers"])
    assert res.exit_code != 0 and "--everywhere" in res.output
    res = run.invoke(main, ["plugins", "scope", "dealers", "--everywhere"])
    assert res.exit_code == 0, res.output
    with ext.db.session() as s:
        assert ext.host.scope_units(s, "dealers") == []


def test_plugins_without_features_are_not_enabled_on_a_fresh_init(app):
    ext = app.extensions["qudao"]
    assert set(UNBUILT) <= ext.host.not_ready
    assert not ({"core", "customers", "finance", "dealers"} & ext.host.not_ready)
    with ext.db.session() as s:
        on = ext.host.enabled(s)
        assert not (set(UNBUILT) & on)
        assert {"customers", "finance", "dealers"} <= on
        # Not even switched on quietly: no state row says so.
        assert not s.execute(select(PluginState).where(PluginState.name.in_(UNBUILT),
                                                       PluginState.enabled.is_(True))).first()


def test_an_old_database_that_enabled_them_does_not_show_them_enabled(app):
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        for name in UNBUILT:
            s.merge(PluginState(name=name, enabled=True))
    with ext.db.session() as s:
        assert not (set(UNBUILT) & ext.host.enabled(s))


def test_enabling_a_plugin_without_features_is_refused(app, client):
    res = app.test_cli_runner().invoke(main, ["plugins", "enable", "qdunbuilt", "--with-deps"])
    assert res.exit_code != 0
    assert "offer no features yet" in res.output
    listing = app.test_cli_runner().invoke(main, ["plugins", "list"]).output
    assert [l for l in listing.splitlines() if l.startswith("qdunbuilt")][0].split()[2] == "not-built"
    client.login("admin")
    page = client.get("/admin/plugins").get_data(as_text=True)
    row = page.split('id="plugin-qdunbuilt"')[1].split("</tr>")[0]
    assert "not-built" in row and "/admin/plugins/qdunbuilt/enable" not in row
    assert client.get("/admin/plugins/qdunbuilt/enable").status_code == 200
    resp = client.post_form("/admin/plugins/qdunbuilt/enable",
                            {"reason": "试试", "with_deps": "1"})
    assert resp.status_code == 409
    assert 'id="not-built"' in resp.get_data(as_text=True)
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        assert "qdunbuilt" not in ext.host.enabled(s)
    assert client.get("/admin/plugins/qdunbuilt/scope").status_code == 404


def test_demo_data_scopes_the_plugins_to_their_part_of_the_tree(app):
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        logins = bootstrap.load_demo(s)
    # every demo login is printed, the plugins' own users too; never the admin
    names = {line.split()[2] for line in logins}
    assert {"store_mgr", "store_cashier", "bank_head", "bank_lobby", "bank_teller1"} <= names
    assert "admin" not in names
    with ext.db.session() as s:
        used = {n: [u.code for u in ext.host.scope_units(s, n)]
                for n in ("dealers", "stores_demo", "banking_rm", "customers", "finance")}
    assert used == {"dealers": ["HZ-OFFICE"], "stores_demo": ["SH-STORE"],
                    "banking_rm": ["NJ-BANK"], "customers": [], "finance": []}
    pw = bootstrap.DEMO_PASSWORD
    for who, sees_dealers in (("manager", True), ("store_mgr", False), ("bank_rm", False),
                              ("finance", True), ("auditor", True)):
        c = app.test_client()
        c.login(who, pw)
        page = c.get("/").get_data(as_text=True)
        assert (DEALERS_MENU in page) is sees_dealers, who
        assert (c.get("/dealers/").status_code == 200) is sees_dealers, who
        if who in ("store_mgr", "bank_rm"):
            assert CUSTOMERS_MENU in page
