"""Jinja filters shared by pages and PDFs (the PDF environment in
``core.documents.render`` registers the same helpers with its own locale)."""
from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from .dates import format_date
from .money import capitals, figures

#: ``{{ amount|money }}`` → ``12,345.60``
money = figures


def fmt_date(value, style: str = "short") -> str:
    """``{{ d|date }}`` → ``2026-01-05``; ``{{ d|date('long') }}`` → ``2026年1月5日`` / ``5 January 2026``.
    A datetime (a stored UTC timestamp) is shown in the company's time zone."""
    return format_date(value, str(get_locale() or "zh_CN"), style)


def role_label(role) -> str:
    """``{{ r|role_label }}``: a role's name in the reader's language."""
    from flask import current_app

    from .services import role_label as label

    return label(current_app.extensions["qudao"], role, str(get_locale() or "zh_CN"))


def wallclock(value, style: str = "short") -> str:
    """``{{ visit.time_in|wallclock }}``: a time a person typed, shown as typed."""
    return format_date(value, str(get_locale() or "zh_CN"), style, wall=True)


def install(app: Flask) -> None:
    from . import clock

    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["capitals"] = capitals
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["wallclock"] = wallclock
    app.jinja_env.globals["company_zone"] = clock.zone
