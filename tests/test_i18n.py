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
