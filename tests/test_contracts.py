"""What plugins declare must exist: menu permissions and endpoints, widget
and document templates, default roles; every page renders without inline
scripts or styles (the CSP would block them)."""
import re
from pathlib import Path

import pytest
from flask import url_for
from flask_login import login_user
from jinja2 import TemplateNotFound
from sqlalchemy import select

from core.models import User
from core.services import DEFAULT_ROLES
from qdtest.models import Note  # noqa: F401  (its table must exist)

ROOT = Path(__file__).resolve().parent.parent
MENU_NAME = re.compile(r"""menu\(\s*['"]([\w.]+)['"]|menu\s*(?:==|=)\s*['"]([\w.]+)['"]""")
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "inline style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I), "asset from another site"),
]


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


def _menu_names() -> set[str]:
    names = {"main", "admin"}
    for path in list((ROOT / "core").rglob("*")) + list((ROOT / "plugins").rglob("*")):
        if path.suffix in (".py", ".html") and "tests" not in path.parts:
            for m in MENU_NAME.finditer(path.read_text(encoding="utf-8")):
                names.add(m.group(1) or m.group(2))
    return names


def _user(app, username):
    s = app.extensions["qudao"].db.Session()
    return s, s.scalar(select(User).where(User.username == username))


def test_menu_items_point_to_existing_permissions_and_endpoints(app):
    ext = app.extensions["qudao"]
    s, admin = _user(app, "admin")
    problems, seen = [], 0
    with app.test_request_context("/"):
        for name in sorted(_menu_names()):
            for item in ext.host.all_hooks().flat("menu_items", menu=name, user=admin):
                seen += 1
                if item.permission and item.permission not in ext.permissions:
                    problems.append(f"menu {name}: {item.endpoint} needs unknown permission {item.permission}")
                if item.endpoint not in app.view_functions:
                    problems.append(f"menu {name}: unknown endpoint {item.endpoint}")
                    continue
                try:
                    url_for(item.endpoint, **item.url_kwargs)
                except Exception as e:  # noqa: BLE001
                    problems.append(f"menu {name}: {item.endpoint}{item.url_kwargs}: {e}")
    s.close()
    assert seen >= 7  # core's admin menu and the test plugin's main entry at least
    assert problems == []


def test_permission_default_roles_exist(app):
    ext = app.extensions["qudao"]
    roles = {r.name for r in DEFAULT_ROLES} | set(ext.roles)
    bad = [f"{code}: {r}" for code, p in ext.permissions.items() for r in p.default_roles
           if r not in roles]
    assert bad == []


def test_widget_and_document_templates_exist(app):
    ext = app.extensions["qudao"]
    s, admin = _user(app, "admin")
    missing = []
    with app.test_request_context("/"):
        login_user(admin)  # the hook runs on the home page, for the signed-in user
        for w in ext.host.all_hooks().flat("dashboard_widgets", session=s, user=admin):
            try:
                app.jinja_env.get_template(w.template)
            except TemplateNotFound:
                missing.append(f"widget {w.title}: {w.template}")
    s.close()
    for name, spec in ext.documents.items():
        template = getattr(spec, "template", None)
        if template:
            try:
                app.jinja_env.get_template(template)
            except TemplateNotFound:
                missing.append(f"document {name}: {template}")
        perm = getattr(spec, "permission", None)
        if perm and perm not in ext.permissions:
            missing.append(f"document {name}: unknown permission {perm}")
    assert missing == []


def test_every_template_file_compiles(app):
    broken = []
    names = app.jinja_env.list_templates()
    assert "base.html" in names and "qdtest/index.html" in names
    for name in names:
        if name.endswith((".html", ".txt", ".xml")):
            try:
                app.jinja_env.get_template(name)
            except Exception as e:  # noqa: BLE001
                broken.append(f"{name}: {e}")
    assert broken == []


def _get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and not rule.endpoint.endswith(".static"):
            yield rule


def _check_html(url, resp, problems):
    if resp.mimetype != "text/html":
        return
    html = resp.get_data(as_text=True)
    for pattern, what in INLINE:
        m = pattern.search(html)
        if m:
            problems.append(f"{url}: {what}: {html[max(0, m.start() - 60):m.end() + 40]!r}")


@pytest.mark.parametrize("username,role", [("admin", None), ("contract_sales", "salesperson"),
                                           ("contract_auditor", "auditor")])
def test_every_page_renders_for_every_role(app, client, make_user, username, role):
    """No page answers with a server error — pages with an id are tried with
    id 1 — and every page that renders is free of inline code."""
    if role:
        make_user(username, role)
    client.login(username)
    problems, rendered = [], 0
    for rule in _get_rules(app):
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:\w+:)?{arg}>", "1", url)
        resp = client.get(url)
        if resp.status_code >= 500 or resp.status_code == 405:
            problems.append(f"{url}: {resp.status_code}")
        if resp.status_code == 200:
            rendered += 1
            _check_html(url, resp, problems)
    assert rendered >= (12 if username == "admin" else 3)
    assert problems == []


def test_error_pages_have_no_inline_code(client):
    problems = []
    for url in ("/no/such/page", "/admin/users"):
        _check_html(url, client.get(url, follow_redirects=True), problems)
    assert problems == []
