"""Home-page widgets drawn after the page (``dashboard_widgets`` whose body
is slow to compute): the plugin's widget shows a frame with a
``data-fragment-url`` link, ``qudao.js`` fetches the body, and the plugin's
route answers with ``serve(FRAGMENTS, name)``.

With the ``X-Qudao-Fragment`` header (sent by ``qudao.js``) the answer is the
widget's body alone; without it, a page of its own (the link shown when
JavaScript is off).  The rendered body is cached per process for
``WIDGET_CACHE_SECONDS`` (default 60, 0 = off) under (plugin, user, session
token, widget, locale, day): a user only ever gets a body computed for them
in this sign-in (a role change signs its users out), the permission is
checked on every request by the route, and a change of data shows after at
most that long — the body says when it was computed."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from .dates import local_time
from .web.request import db_session
from . import clock

CACHE_KEY = "qudao.widget_cache"
MAX_ENTRIES = 1000


@dataclass(frozen=True)
class Fragment:
    """A widget body fetched after the page."""

    title: Any
    template: str
    build: Callable  # (session, user, today) -> the template's ``ctx``
    sequence: int


def cached(key, build):
    """``build()`` or its value kept from less than WIDGET_CACHE_SECONDS ago."""
    ttl = float(current_app.config.get("WIDGET_CACHE_SECONDS", 60))
    if ttl <= 0:
        return build()
    store = current_app.extensions.setdefault(CACHE_KEY, {})
    now = time.monotonic()
    hit = store.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = build()
    if len(store) >= MAX_ENTRIES:  # bounded: drop what has expired, else everything
        for k in [k for k, (t, _v) in list(store.items()) if now - t >= ttl]:
            store.pop(k, None)
        if len(store) >= MAX_ENTRIES:
            store.clear()
    store[key] = (now, value)
    return value


def serve(fragments: dict[str, Fragment], name: str):
    """The answer of a plugin's ``/<plugin>/widgets/<name>`` route (which
    checks the permission first): 404 for an unknown name."""
    frag = fragments.get(name)
    if frag is None:
        abort(404)
    today = clock.today()

    def build():
        ctx = frag.build(db_session(), current_user, today)
        as_of = clock.now().strftime("%H:%M:%S")
        return Markup(render_template("core/widget_fragment.html", template=frag.template,
                                      ctx=ctx, as_of=as_of))

    key = (request.blueprint, current_user.id, getattr(current_user, "session_token", None),
           name, str(get_locale()), today)
    body = cached(key, build)
    if request.headers.get("X-Qudao-Fragment"):
        return body
    return render_template("core/widget_page.html", title=frag.title, body=body)
