"""Switching plugins on and off: the same rules on the CLI and the web page,
effective in every worker process at once, and no data lost."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import QudaoClient
from core.app import create_app
from core.cli import main
from qdtest.models import Note

ROOT = Path(__file__).resolve().parent.parent
DEPENDANTS_OF_CUSTOMERS = ("dealers", "stores_demo", "banking_rm", "finance")

REASON = {"reason": "测试：切换插件"}


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin", "qdtest.unbuilt"]}


def _enabled(app) -> frozenset:
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        return ext.host.enabled(s)


def _cli(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


# -- command line -----------------------------------------------------------
def test_cli_lists_every_plugin_with_version_state_and_dependencies(app):
    _cli(app, "plugins", "disable", "qdtest")
    out = _cli(app, "plugins", "list").output.splitlines()
    rows = {line.split()[0]: line.split() for line in out}
    assert set(rows) == set(app.extensions["qudao"].host.order)
    assert rows["finance"][1:4] == ["0.1.0", "enabled", "depends:"]
    assert rows["finance"][4] == "customers"
    assert rows["qdtest"][2] == "disabled"
    assert rows["qdunbuilt"][2] == "not-built"  # no features yet: never enabled
    assert rows["banking_rm"][2] == "enabled"
    assert rows["customers"][4] == "-"


def test_cli_refuses_to_disable_a_plugin_others_depend_on(app):
    res = _cli(app, "plugins", "disable", "customers")
    assert res.exit_code != 0
    assert "finance" in res.output
    assert "customers" in _enabled(app)


def test_cli_disable_then_enable(app):
    res = _cli(app, "plugins", "disable", "qdtest")
    assert res.exit_code == 0, res.output
    assert "qdtest" not in _enabled(app)
    res = _cli(app, "plugins", "enable", "qdtest")
    assert res.exit_code == 0, res.output
    assert "qdtest" in _enabled(app)


def test_cli_enable_with_disabled_dependency_needs_with_deps(app):
    for name in DEPENDANTS_OF_CUSTOMERS + ("customers",):
        assert _cli(app, "plugins", "disable", name).exit_code == 0
    res = _cli(app, "plugins", "enable", "finance")
    assert res.exit_code != 0 and "customers" in res.output
    assert "finance" not in _enabled(app)
    res = _cli(app, "plugins", "enable", "finance", "--with-deps")
    assert res.exit_code == 0, res.output
    assert {"customers", "finance"} <= _enabled(app)


def test_cli_unknown_plugin_is_refused(app):
    res = _cli(app, "plugins", "disable", "nosuchplugin")
    assert res.exit_code != 0 and "nosuchplugin" in res.output


def test_installed_qudao_command_refuses_with_nonzero_exit(app, tmp_path):
    """The real console script, as an operator would type it."""
    # PYTHONPATH: run this checkout's code even if qudao is installed from elsewhere.
    env = dict(os.environ, PYTHONPATH=str(ROOT), QUDAO_DATABASE_URL=app.config["DATABASE_URL"],
               QUDAO_DATA_DIR=str(tmp_path / "cli"), QUDAO_SECRET_KEY="x")
    qudao = Path(sys.executable).with_name("qudao")
    proc = subprocess.run([str(qudao), "plugins", "disable", "customers"], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode != 0
    assert "finance" in proc.stdout + proc.stderr
    assert "customers" in _enabled(app)


# -- web page ---------------------------------------------------------------
def test_web_refuses_to_disable_a_plugin_others_depend_on(app, client):
    client.login("admin")
    resp = client.post_form("/admin/plugins/customers/disable", REASON, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "finance" in html and "dealers" in html
    assert "customers" in _enabled(app)


def test_web_enable_offers_to_enable_disabled_dependencies(app, client):
    client.login("admin")
    for name in DEPENDANTS_OF_CUSTOMERS + ("customers",):
        assert client.post_form(f"/admin/plugins/{name}/disable", REASON).status_code == 302
    resp = client.post_form("/admin/plugins/finance/enable", REASON)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'id="missing-deps"' in html and "<code>customers</code>" in html
    assert 'name="with_deps" value="1"' in html
    assert not {"finance", "customers"} & _enabled(app)
    resp = client.post_form("/admin/plugins/finance/enable", {**REASON, "with_deps": "1"})
    assert resp.status_code == 302
    assert {"customers", "finance"} <= _enabled(app)


def test_web_plugin_page_shows_label_version_dependencies_state(app, client):
    client.login("admin")
    client.post_form("/admin/plugins/qdtest/disable", REASON)
    html = client.get("/admin/plugins").get_data(as_text=True)
    row = html.split('id="plugin-dealers"')[1].split("</tr>")[0]
    assert "经销商" in row or "Dealers" in row
    assert "0.1.0" in row and "customers, finance" in row
    off = html.split('id="plugin-qdtest"')[1].split("</tr>")[0]
    assert "/admin/plugins/qdtest/enable" in off and "/disable" not in off
    assert "/admin/plugins/dealers/disable" in row


def test_only_admins_switch_plugins(app, client, make_user):
    make_user("mgr_plugins", "manager")
    client.login("mgr_plugins")
    assert client.get("/admin/plugins").status_code == 403
    assert client.post_form("/admin/plugins/qdtest/disable", REASON).status_code == 403
    assert "qdtest" in _enabled(app)


# -- every worker process, no restart, no data lost ---------------------------
def test_disabled_plugin_answers_404_in_another_worker_and_keeps_its_data(app, client, make_user):
    make_user("sales_w", "salesperson")
    # A second app on the same database stands for another worker process.
    other = create_app({"DATA_DIR": app.config["DATA_DIR"], "DATABASE_URL": app.config["DATABASE_URL"],
                        "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True,
                        "EXTRA_PLUGINS": ["qdtest.plugin"]})
    other.test_client_class = QudaoClient
    try:
        worker2 = other.test_client()
        worker2.login("sales_w")
        resp = worker2.post_form("/qdtest/new", {"title": "拜访记录 A"})
        assert resp.status_code == 302
        url = resp.headers["Location"]
        assert worker2.get(url).status_code == 200
        assert "qdtest.index" in worker2.get("/").get_data(as_text=True)

        client.login("admin")
        assert client.post_form("/admin/plugins/qdtest/disable", REASON).status_code == 302

        assert worker2.get(url).status_code == 404
        assert worker2.get("/qdtest/").status_code == 404
        assert worker2.post_form("/qdtest/new", {"title": "x"}).status_code == 404
        home = worker2.get("/").get_data(as_text=True)
        assert "qdtest.index" not in home and 'id="qdtest-widget"' not in home

        assert client.post_form("/admin/plugins/qdtest/enable", REASON).status_code == 302
        page = worker2.get(url)
        assert page.status_code == 200 and "拜访记录 A" in page.get_data(as_text=True)
        with other.extensions["qudao"].db.session() as s:
            assert s.scalar(select(func.count()).select_from(Note)) == 1
    finally:
        other.extensions["qudao"].db.dispose()


def test_disabled_plugin_permissions_vanish(app, client, make_user):
    from core import access

    user = make_user("sales_p", "salesperson")
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        u = s.get(type(user), user.id)
        assert access.has_permission(s, u, "qdtest.view")
        from core import services

        services.disable_plugin(s, "qdtest")
        assert not access.has_permission(s, u, "qdtest.view")


def test_cli_refusals_are_readable_outside_a_request(app):
    """Service errors carry lazy translated messages; the CLI prints them."""
    res = app.test_cli_runner().invoke(main, ["users", "create", "someone", "--role", "nosuchrole"],
                                       input="a-long-password\n")
    assert res.exit_code == 1
    assert "nosuchrole" in res.output and "Traceback" not in res.output


def test_every_real_plugins_pages_vanish_and_return(app, client):
    """For each built-in plugin with pages: switched off (dependants first),
    all its routes answer 404 in another worker; switched on, they are back."""
    from core.plugins import BUILTIN_PLUGINS

    host = app.extensions["qudao"].host
    names = [m.split(".")[1] for m in BUILTIN_PLUGINS if m.startswith("plugins.")]
    rules = {n: [r.rule for r in app.url_map.iter_rules()
                 if r.endpoint.startswith(n + ".") and "GET" in r.methods and not r.arguments
                 and not r.endpoint.endswith(".static")] for n in names}
    other = create_app({"DATA_DIR": app.config["DATA_DIR"], "DATABASE_URL": app.config["DATABASE_URL"],
                        "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True,
                        "EXTRA_PLUGINS": ["qdtest.plugin"]})
    other.test_client_class = QudaoClient
    try:
        worker2 = other.test_client()
        worker2.login("admin")
        client.login("admin")
        checked = 0
        for name in names:
            if not rules[name]:
                continue
            # Rendering every page is the contract test's job; here the entry pages.
            entry = [u for u in rules[name] if u.rstrip("/") == f"/{name}"] or rules[name][:1]
            before = {url: worker2.get(url).status_code for url in entry}
            assert any(code != 404 for code in before.values()), name
            for dep in list(reversed(host.dependants(name))) + [name]:
                assert client.post_form(f"/admin/plugins/{dep}/disable", REASON).status_code == 302, dep
            for url in rules[name]:
                assert worker2.get(url).status_code == 404, url
                checked += 1
            assert client.post_form(f"/admin/plugins/{name}/enable", REASON).status_code == 302
            assert {url: worker2.get(url).status_code for url in entry} == before
            for dep in host.dependants(name):
                client.post_form(f"/admin/plugins/{dep}/enable", {**REASON, "with_deps": "1"})
        assert checked > 0
    finally:
        other.extensions["qudao"].db.dispose()
