"""Every user-facing string has a Chinese translation, the compiled catalogues
match their sources, and pages really come out in Chinese (default) or in
English (the user's choice)."""
import importlib.util
import io
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from sqlalchemy import select

from core.models import User

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("qudao_i18n_tool", ROOT / "scripts" / "i18n.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_string_has_a_chinese_translation():
    assert _tool().missing() == {}


def _messages(catalog) -> dict:
    """What a reader of the catalogue gets: (context, msgid) -> translation,
    for the translated, non-fuzzy messages (the ones compiled into a .mo)."""
    return {(m.context, m.id): m.string for m in catalog
            if m.id and m.string and not m.fuzzy}


def test_compiled_catalogues_match_their_sources():
    # Compare what the catalogues say, not their bytes: Babel releases lay out
    # the .mo hash table differently for the same messages (issue 26).
    tool = _tool()
    stale = []
    for pkg in tool.packages():
        po = tool.po_path(pkg)
        if not po.exists():
            continue
        want = _messages(tool.load(pkg))
        if not want:
            continue  # nothing translated yet: nothing to compile
        mo = po.with_suffix(".mo")
        if not mo.exists():
            stale.append(f"{mo.relative_to(ROOT)} missing")
            continue
        with mo.open("rb") as fh:
            have = _messages(read_mo(fh))
        if have != want:
            changed = sorted(str(k[1]) for k in want.keys() | have.keys()
                             if want.get(k) != have.get(k))
            stale.append(f"{mo.relative_to(ROOT)}: {changed[:3]}")
    assert stale == [], f"run: python scripts/i18n.py compile ({stale})"


def test_compiled_catalogue_check_fails_on_a_stale_mo(tmp_path):
    """The comparison above sees a changed translation (it is no byte check)."""
    tool = _tool()
    cat = tool.load(ROOT / "core")
    msg = next(m for m in cat if m.id and m.string and not m.fuzzy)
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    buf.seek(0)
    assert _messages(read_mo(buf)) == _messages(cat)
    msg.string = msg.string + "（旧）"
    buf.seek(0)
    assert _messages(read_mo(buf)) != _messages(cat)


def test_core_catalogue_has_no_fuzzy_entries():
    tool = _tool()
    fuzzy = [m.id for m in tool.load(ROOT / "core") if m.id and m.fuzzy]
    assert fuzzy == []


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert "登录渠道系统" in html and "用户名" in html and "Sign in" not in html


def test_language_switch_before_signing_in(client):
    token = client.fetch_csrf()
    client.post("/language/en", data={"csrf_token": token, "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html and "Sign in to Qudao" in html


@pytest.mark.parametrize("locale,words", [("zh_CN", ["插件管理", "用户管理", "已启用"]),
                                          ("en", ["Plugins", "Users", "Enabled"])])
def test_admin_pages_follow_the_users_language(app, client, db, locale, words):
    db.scalar(select(User).where(User.username == "admin")).locale = locale
    db.commit()
    client.login("admin")
    html = client.get("/admin/plugins").get_data(as_text=True)
    for w in words:
        assert w in html


@pytest.mark.parametrize("locale,title", [("zh_CN", "页面不存在"), ("en", "Page not found")])
def test_error_pages_in_both_languages(client, db, locale, title):
    db.scalar(select(User).where(User.username == "admin")).locale = locale
    db.commit()
    client.login("admin")
    resp = client.get("/no/such/page")
    assert resp.status_code == 404 and title in resp.get_data(as_text=True)


def test_forbidden_page_is_translated(client, make_user):
    make_user("i18n_sales", "salesperson")
    client.login("i18n_sales")
    resp = client.get("/admin/users")
    assert resp.status_code == 403 and "您没有执行此操作的权限" in resp.get_data(as_text=True)


# -- issue 21, item 22 ---------------------------------------------------------------
#: A half-width , : ; ? ! ( or ) with a Chinese character on either side.
import re  # noqa: E402

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HALF_WIDTH = re.compile(rf"[{CJK}][,:;?!()]|[,:;?!()][{CJK}]")


def _half_width(text: str) -> list[str]:
    # "%(name)s" placeholders carry parentheses of their own, and text quoted
    # “like this” is what a user types (a setting's format), kept as is.
    bare = re.sub(r"%\(\w+\)[sd]|“[^”]*”", "X", text)
    return HALF_WIDTH.findall(bare)


def test_the_half_width_check_sees_what_it_should():
    assert _half_width("未核销(预收)") and _half_width("客户:签字") and _half_width("确定?")
    assert not _half_width("客户：签字") and not _half_width("金额 %(amount)s 超过上限")
    assert not _half_width("Bank (branch): ok") and not _half_width("5-20-30")
    assert not _half_width("每组为“台数:金额”，例如 10:20,20:30")


def test_chinese_translations_use_full_width_punctuation():
    tool = _tool()
    found = []
    for pkg in tool.packages():
        for m in tool.load(pkg):
            if not m.id or not m.string:
                continue
            for s in (m.string if isinstance(m.string, (list, tuple)) else [m.string]):
                if _half_width(s):
                    found.append(f"{pkg.name}: {s}")
    assert found == [], "\n".join(found)


def test_active_reads_by_what_it_is_about(app, client, make_user):
    """正式客户 is a customer's status; a user, an org unit, a price list is 启用."""
    from flask_babel import force_locale, gettext

    from plugins.customers.services.master import status_labels

    with app.test_request_context():
        with force_locale("zh_CN"):
            assert str(status_labels()["active"]) == "正式客户"
            assert gettext("Active") == "启用"
        with force_locale("en"):
            assert str(status_labels()["active"]) == "Active"
    make_user("plain_sales", "salesperson")
    client.login("admin")
    users = client.get("/admin/users").get_data(as_text=True)
    assert "正式客户" not in users


def test_role_names_and_plugin_descriptions_in_the_readers_language(app, client, db, make_user):
    """"业务员 / Salesperson" was shown to every user; plugin descriptions
    were English in the Chinese UI."""
    make_user("role_reader", "salesperson")
    client.login("admin")
    users = client.get("/admin/users").get_data(as_text=True)
    assert ">业务员<" in users and "Salesperson" not in users
    plugins = client.get("/admin/plugins").get_data(as_text=True)
    assert "客户主数据" in plugins and "Customer master" not in plugins
    admin = db.scalar(select(User).where(User.username == "admin"))
    admin.locale = "en"
    db.commit()
    client.login("admin")
    users = client.get("/admin/users").get_data(as_text=True)
    assert ">Salesperson<" in users and "业务员" not in users
    plugins = client.get("/admin/plugins").get_data(as_text=True)
    assert "Customer master" in plugins and "客户主数据" not in plugins
