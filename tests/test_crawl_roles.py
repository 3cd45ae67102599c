"""Every link and button a user is shown works for that user (issue 21, item 23).

Signs in as one user of every role (and org unit) of the full demo — every
plugin enabled: customers, finance, dealers, stores_demo, banking_rm — and
walks, in-process with the test client, every page reachable from the pages
the menus lead to: every link, every ``data-fragment-url`` and every GET
form (sent with the values it shows).  Any 4xx/5xx fails.  Every POST form
shown must go to a route whose permission (``permission_required``) the
user holds.  Pages of one shape (``/customers/<n>``) are visited at most
``PER_PATTERN`` times, so the walk stays bounded on a large list.

The demo is loaded once per test worker into a database of its own (the
per-test databases are emptied between tests) and only read here."""
from __future__ import annotations

import os
import re
import shutil
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, select, text

from conftest import PASSWORD, PG_URL, QudaoClient

PER_PATTERN = 1
MAX_PAGES = 600
#: Links that end the session, switch the language or stream big files.
SKIP_PATHS = ("/logout", "/static/", "/language")
#: GET routes that are downloads: one of each shape is enough (they are slow).
DOWNLOAD_RE = re.compile(r"\.(pdf|xlsx|csv|zip)$|/(download|export|pdf|file)s?\b|fmt=")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("data-fragment-url"):
            self.links.append(a["data-fragment-url"])
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action"),
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and a.get("name"):
            if tag == "input":
                kind = (a.get("type") or "text").lower()
                if kind in ("submit", "button", "file", "image", "reset"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                self._form["fields"].setdefault(a["name"], a.get("value", "on" if kind == "checkbox" else ""))
            elif tag == "select":
                self._select, self._first_option = a["name"], None
            elif tag == "textarea":
                self._form["fields"].setdefault(a["name"], "")
        elif tag == "option" and self._form is not None and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self._form["fields"].setdefault(self._select, value)
            if "selected" in a:
                self._form["fields"][self._select] = value
        if tag == "button" and self._form is not None and a.get("formaction"):
            self.forms.append({"method": (a.get("formmethod") or self._form["method"]).lower(),
                               "action": a["formaction"], "fields": self._form["fields"]})

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k for k, _v in parse_qsl(parts.query, keep_blank_values=True) if k != "page")
    return re.sub(r"/\d+", "/<n>", parts.path) + ("?" + "&".join(keys) if keys else "")


def _local(href: str, base: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.netloc not in ("", "localhost"):
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if any(path.startswith(p) or p in path for p in SKIP_PATHS):
        return None
    return path + ("?" + parts.query if parts.query else "")


@pytest.fixture(scope="session")
def demo_app(db_template, tmp_path_factory, worker_id):
    """The full demo, loaded once per worker, in a database of its own."""
    from core import bootstrap
    from core.app import create_app

    base = tmp_path_factory.mktemp("crawldemo")
    kind, where = db_template
    schema = None
    if kind == "sqlite":
        target = base / "demo.db"
        shutil.copyfile(where, target)
        url = f"sqlite:///{target}"
    else:
        schema = f"qd_crawl_{worker_id}_{os.getpid()}".replace("-", "_")
        eng = create_engine(PG_URL)
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
        eng.dispose()
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    app = create_app({"DATA_DIR": str(base / "data"), "DATABASE_URL": url, "SECRET_KEY": "crawl",
                      "TESTING": True, "JOB_WORKERS": 1, "WIDGET_CACHE_SECONDS": 0})
    app.test_client_class = QudaoClient
    ext = app.extensions["qudao"]
    if schema:
        from core.db import Base

        Base.metadata.create_all(ext.db.engine)
    with ext.db.session() as s:
        bootstrap.first_setup(s, "admin", PASSWORD)
    import time

    started = time.monotonic()
    with ext.db.session() as s:
        bootstrap.load_demo(s)
    print(f"demo loaded in {time.monotonic() - started:.0f} s")
    yield app
    jobs = getattr(ext, "jobs", None)
    if jobs is not None and hasattr(jobs, "shutdown"):
        jobs.shutdown()
    ext.db.dispose()
    if schema:
        eng = create_engine(PG_URL)
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        eng.dispose()


def _people(app) -> list[tuple[str, str]]:
    """(username, password): admin and one demo user per role set and org unit."""
    from core.bootstrap import DEMO_PASSWORD
    from core.models import User

    seen, people = set(), [("admin", PASSWORD)]
    with app.extensions["qudao"].db.session() as s:
        for u in s.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
            key = (frozenset(r.name for r in u.roles), u.org_unit_id)
            if u.username == "admin" or key in seen:
                continue
            seen.add(key)
            people.append((u.username, DEMO_PASSWORD))
    return people


def _crawl(app, client, username) -> tuple[list[str], int]:
    problems: list[str] = []
    adapter = app.url_map.bind("localhost")
    queue, seen, per_shape = deque(["/"]), set(), {}
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = _shape(url)
        limit = 1 if DOWNLOAD_RE.search(url) else PER_PATTERN
        if per_shape.get(shape, 0) >= limit:
            continue
        per_shape[shape] = per_shape.get(shape, 0) + 1
        visited += 1
        resp = client.get(url, headers={"X-Qudao-Fragment": "1"} if "/widgets/" in url else {})
        if resp.status_code in (301, 302, 303, 307, 308):
            target = _local(resp.headers.get("Location", ""), url)
            if target and "/login" in target:
                problems.append(f"{username}: GET {url} sent to sign in")
            elif target:
                queue.append(target)
            continue
        if resp.status_code >= 400:
            problems.append(f"{username}: GET {url} -> {resp.status_code}")
            continue
        if resp.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(resp.get_data(as_text=True))
        for href in page.links:
            target = _local(href, url)
            if target and target not in seen:
                queue.append(target)
        for form in page.forms:
            action = _local(form["action"] or url, url)
            if action is None:
                continue
            if form["method"] == "get":
                fields = {k: v for k, v in form["fields"].items() if k != "csrf_token"}
                path = action.split("?")[0]
                target = path + ("?" + urlencode(fields) if fields else "")
                if target not in seen:
                    queue.append(target)
                continue
            try:
                endpoint, _args = adapter.match(action.split("?")[0], method="POST")
            except Exception as exc:  # noqa: BLE001 - a form to no route at all
                problems.append(f"{username}: POST form on {url} to {action}: {type(exc).__name__}")
                continue
            code = getattr(app.view_functions[endpoint], "required_permission", None)
            if code is None:
                continue
            allowed = _holds(app, username, code)
            if not allowed:
                problems.append(f"{username}: {url} shows a POST form to {action} "
                                f"({endpoint}) that needs {code}")
    return problems, visited


def _holds(app, username, code) -> bool:
    """Does ``username`` hold ``code`` (in a plugin their part of the org tree uses)?"""
    from core.access import has_permission
    from core.models import User

    with app.extensions["qudao"].db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        return has_permission(s, user, code)


def test_every_link_and_button_shown_works_for_every_role(demo_app):
    import time

    started = time.monotonic()
    problems, counts = [], {}
    for username, password in _people(demo_app):
        client = demo_app.test_client()
        resp = client.login(username, password)
        assert resp.status_code in (302, 303), username
        found, visited = _crawl(demo_app, client, username)
        problems += found
        counts[username] = visited
    print(f"pages visited per user: {counts} in {time.monotonic() - started:.0f} s")
    assert len(counts) >= 12 and min(counts.values()) >= 5, counts
    assert problems == [], "\n".join(problems)
