"""What a view does with a user's action and a page's query arguments:
``run_action`` (one action = one transaction), ``back`` (303 after a POST),
``page_arg`` and ``day_arg``."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from flask import flash, redirect, request, url_for

from ..attachments import AttachmentError
from ..dates import parse_day
from ..services import ServiceError
from .request import db_session
from .. import clock


def run_action(fn, *args, ok: Any = None, keep: Callable[[Any], bool] | None = None, **kwargs):
    """One user action = one transaction: call a service with the request's
    session and commit; on a refusal (ServiceError, AttachmentError) roll
    back, flash the message and return (None, False).  Returns (result, True).
    ``keep(result)`` False rolls the work back instead of committing (a
    check-only run, a file with problems) and still returns (result, True)."""
    s = db_session()
    try:
        result = fn(s, *args, **kwargs)
        if keep is None or keep(result):
            s.commit()
        else:
            s.rollback()
    except (ServiceError, AttachmentError) as e:
        s.rollback()
        flash(str(e), "error")
        return None, False
    if ok:
        flash(ok, "success")
    return result, True


def back(endpoint: str, **kw):
    """303 to another page after a POST."""
    return redirect(url_for(endpoint, **kw)), 303


#: Pages beyond this are the last page anyway; a bigger number overflows the offset.
MAX_PAGE = 100_000


def page_arg() -> int:
    """The ``page`` query argument, 1 when missing or nonsense, at most MAX_PAGE."""
    return min(MAX_PAGE, max(1, request.args.get("page", 1, type=int) or 1))


def day_arg(name: str, default: date | None = None) -> date:
    """The date in query argument ``name`` (``dates.parse_day``), for report
    filters: nonsense is flashed in the reader's language and the page shown
    for ``default`` (else today), as a refused action is — never a bare 400."""
    try:
        return parse_day(request.args.get(name), default)
    except ServiceError as e:
        flash(str(e), "error")
        return default or clock.today()
