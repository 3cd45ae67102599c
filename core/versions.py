"""Edit conflicts: two people editing the same record.

Records people edit in forms are ``core.db.Versioned``: their ``version``
is SQLAlchemy's ``version_id_col``, so every UPDATE is conditional on it and
a flush that matches no row raises ``StaleDataError``.  This module is the
web side, shared by every plugin:

* the edit form carries the version it was loaded with — a WTForms form
  gets ``version = VersionField()`` (rendered by ``form.hidden_tag()``), a
  hand-written form ``{{ version_input(record) }}``;
* the view calls ``check(record, form)`` before it changes anything (raises
  ``EditConflict`` when the submitted version is not the row's), and treats
  ``EditConflict`` and ``StaleDataError`` (another save won between the
  check and the flush) alike: ``conflict(session, record, …)`` rolls back,
  reloads the record, and puts on ``g`` what ``base.html`` shows above the
  page — the message, who changed the record and when, and for each field
  that differs its label, the value now and the value the user typed —
  then the view renders its form again, with the user's input, and the
  version now current, so that a second save (after checking) goes through.

A hand-written form's template shows the user's input after a conflict with
``posted(name, value)`` / ``posted_checked(name, value)``: the submitted
field while a conflict is shown, the record's value otherwise.

``run_edit`` wraps ``core.web.run_action`` for views that call a service
and redirect: it returns ``CONFLICT`` instead of redirecting when the save
was refused as stale.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from flask import g, request
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import desc, inspect, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

VERSION = "version"
#: What ``run_edit`` returns when the save was refused as out of date.
CONFLICT = "conflict"

__all__ = ["VERSION", "CONFLICT", "EditConflict", "StaleDataError", "VersionField",
           "check", "conflict", "run_edit", "version_input", "posted", "posted_checked",
           "Conflict", "Row"]


class EditConflict(Exception):
    """The record changed since the form was loaded; nothing was saved."""


class VersionField(HiddenField):
    """The version the form was loaded with (filled from ``obj=record``)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label or "", **kwargs)


@dataclass
class Row:
    label: str
    theirs: str
    yours: str


@dataclass
class Conflict:
    who: str = ""
    at: datetime | None = None
    rows: list[Row] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.who and self.at:
            by = _("changed by %(who)s at %(at)s", who=self.who,
                   at=self.at.strftime("%Y-%m-%d %H:%M"))
        elif self.at:
            by = _("changed at %(at)s", at=self.at.strftime("%Y-%m-%d %H:%M"))
        else:
            by = _("changed meanwhile")
        return _("Someone else changed this record (%(by)s); your changes have not been saved. "
                 "Check the latest content below, then save again.", by=by)


# -- the version the form was loaded with ----------------------------------------
def _field_name(form) -> str:
    if form is not None and getattr(form, VERSION, None) is not None:
        return getattr(form, VERSION).name
    return VERSION


def submitted(form=None) -> int | None:
    """The version posted with the form, None when the form carries none
    (a client that does not send it gets only the check at flush time)."""
    raw = request.form.get(_field_name(form))
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        return -1  # nonsense never matches a row's version


def check(record, form=None) -> None:
    """Raise ``EditConflict`` when the form was loaded from another version.

    The row is read again under a row lock (``SELECT ... FOR UPDATE``; on
    SQLite the writing transaction holds the database lock), so no other
    save can slip in between this check and the caller's flush.  Call it
    before changing the record: pending changes on it are discarded."""
    if record is None:
        return
    v = submitted(form)
    if v is None:
        return
    state = inspect(record)
    if state.persistent and state.session is not None:
        # Lock the row alone (a refresh FOR UPDATE would also lock the
        # eagerly joined rows, which PostgreSQL refuses on an outer join),
        # then read it again.
        mapper = state.mapper
        pk = mapper.primary_key
        state.session.execute(
            select(*pk).where(*[col == val for col, val in zip(pk, state.identity)])
            .with_for_update())
        state.session.refresh(record)
    if v != record.version:
        raise EditConflict()
    touch(record)


def touch(record) -> None:
    """Make the next flush UPDATE the row (and so move its version) even
    when only its children changed (a claim's lines)."""
    mapper = inspect(record).mapper
    for attr in mapper.column_attrs:
        col = attr.columns[0]
        if not col.primary_key and col is not mapper.version_id_col:
            flag_modified(record, attr.key)
            return


def version_input(record) -> Markup:
    """``<input type=hidden name=version>`` for a hand-written edit form."""
    v = getattr(record, VERSION, None) if record is not None else None
    return Markup('<input type="hidden" name="%s" value="%s">') % (
        VERSION, "" if v is None else v)


def posted(name: str, value: Any = "") -> Any:
    """In a hand-written form: the user's input while a conflict is shown,
    ``value`` (the record's) otherwise."""
    if getattr(g, "edit_conflict", None) is not None and name in request.form:
        return request.form.get(name)
    return "" if value is None else value


def posted_checked(name: str, value: bool) -> bool:
    """A checkbox's state: the user's while a conflict is shown."""
    if getattr(g, "edit_conflict", None) is not None:
        return name in request.form
    return bool(value)


# -- showing the conflict ---------------------------------------------------------
def _show(value: Any, choices: dict | None = None) -> str:
    if choices is not None:
        for k, label in choices.items():
            if _same(k, value):
                return str(label)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_show(v, choices) for v in value) or "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal as a user would read them: "10" and Decimal("10.00"), None and ""."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, (list, tuple, set)) or isinstance(b, (list, tuple, set)):
        try:
            return sorted(map(str, a or ())) == sorted(map(str, b or ()))
        except TypeError:
            return False
    if isinstance(a, (int, float, Decimal)) or isinstance(b, (int, float, Decimal)):
        try:
            return Decimal(str(a).replace(",", "").strip()) == Decimal(
                str(b).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            return False
    if isinstance(a, (date, datetime)) or isinstance(b, (date, datetime)):
        return _show(a) == _show(b)
    return str(a).strip() == str(b).strip()


def _last_change(session, record) -> tuple[str, datetime | None]:
    from .models import AuditLog, User

    state = inspect(record)
    table = state.mapper.local_table.name
    ident = state.identity
    rid = str(ident[0]) if ident and len(ident) == 1 else ",".join(map(str, ident or ()))
    row = session.execute(
        select(AuditLog.at, User.full_name, User.username)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.table_name == table, AuditLog.record_id == rid)
        .order_by(desc(AuditLog.id)).limit(1)).first()
    if row is not None:
        return (row.full_name or row.username or ""), row.at
    return "", getattr(record, "updated_at", None)


FieldSpec = tuple  # (name, label, current value or callable(record), choices or None)


def _rows_from_form(form, record, current: dict[str, Any]) -> list[Row]:
    rows = []
    for f in form:
        if f.name in ("csrf_token", _field_name(form)) or f.type in (
                "CSRFTokenField", "HiddenField", "VersionField", "PasswordField",
                "SubmitField", "FileField", "MultipleFileField"):
            continue
        key = f.short_name
        if key in current:
            theirs = current[key]
        elif hasattr(record, key):
            theirs = getattr(record, key)
        else:
            continue
        yours = f.data
        if _same(theirs, yours):
            continue
        choices = None
        if getattr(f, "choices", None):
            choices = {}
            for c in f.choices:
                if isinstance(c, (tuple, list)) and len(c) >= 2:
                    choices[c[0]] = c[1]
        rows.append(Row(str(f.label.text), _show(theirs, choices), _show(yours, choices)))
    return rows


def _rows_from_spec(record, fields: Iterable[FieldSpec]) -> list[Row]:
    rows = []
    for spec in fields:
        name, label, current = spec[0], spec[1], spec[2]
        choices = spec[3] if len(spec) > 3 else None
        theirs = current(record) if callable(current) else current
        if isinstance(theirs, bool):
            yours: Any = name in request.form
        else:
            yours = request.form.get(name)
            if yours is None:
                continue
        if _same(theirs, yours):
            continue
        rows.append(Row(str(label).replace("%%", "%"), _show(theirs, choices),
                        _show(yours, choices)))
    return rows


def conflict(session, record, form=None, fields: Iterable[FieldSpec] | None = None,
             current: dict[str, Any] | None = None) -> Conflict:
    """Roll back, reload ``record`` and describe the conflict for the page.

    ``form``: a WTForms form whose fields compare with the record's
    attributes of the same name (``current`` gives values for fields that
    are not plain attributes, e.g. ``{"roles": [ids]}``); its version field
    is set to the version now current.  ``fields``: for a hand-written
    form, ``(name, label, value now or callable(record)[, choices])``.
    """
    session.rollback()
    if record is not None and inspect(record).persistent:
        session.refresh(record)
    cur = current(record) if callable(current) else (current or {})
    rows: list[Row] = []
    if form is not None and record is not None:
        rows = _rows_from_form(form, record, cur)
        vf = getattr(form, VERSION, None)
        if vf is not None:
            vf.data = record.version
            vf.raw_data = [str(record.version)]
    if fields is not None and record is not None:
        rows += _rows_from_spec(record, fields)
    who, at = _last_change(session, record) if record is not None else ("", None)
    c = Conflict(who=who, at=at, rows=rows)
    g.edit_conflict = c
    session.commit()  # end the read transaction the reload began
    return c


def run_edit(record, fn: Callable, *args, ok: Any = None,
             fields: Iterable[FieldSpec] | None = None, form=None,
             current: Any = None, **kwargs):
    """``core.web.run_action`` for an edit of ``record``: returns
    ``(result, True)`` when saved, ``(None, False)`` when the service refused
    (message flashed), ``(None, CONFLICT)`` when the record changed since the
    form was loaded — nothing saved, ``g.edit_conflict`` set: render the page
    again (status 409) instead of redirecting.  A hand-written form passes
    ``fields``; a WTForms form passes ``form`` (and ``current``, as for
    ``conflict``)."""
    from .web import db_session, run_action

    s = db_session()
    try:
        check(record, form)
        return run_action(fn, *args, ok=ok, **kwargs)
    except (EditConflict, StaleDataError):
        conflict(s, record, form=form, fields=fields, current=current)
        return None, CONFLICT


TEMPLATE_GLOBALS = {"version_input": version_input, "posted": posted,
                    "posted_checked": posted_checked}
