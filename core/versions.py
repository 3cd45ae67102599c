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

``run_edit`` wraps ``core.web.actions.run_action`` for views that call a service
and redirect: it returns ``CONFLICT`` instead of redirecting when the save
was refused as stale.

Only a change to a field the form shows is a conflict.  Every ORM update
moves the version — a login records its time on the user row, the nightly
grade recompute writes the customer — so the form also carries a
signature of its own fields' values as loaded (``token``: "version:hash").
When the version moved but, under the row lock, the form's fields still
hash the same, nothing the user saw has changed: the save goes through
(and moves the version on).  A WTForms view calls ``load(form, record,
current=…)`` when it builds the form; a hand-written form's fields are
declared once per model with ``@form_fields(Model)`` (``version_input`` and
``run_edit`` find them there).

Create-or-overwrite forms (a blank form whose key fields pick the row to
write, e.g. a budget line or a month's figures) carry the versions of the
rows the page showed, by key (``keyed_input``/``keyed_token``); a key the
page did not show was "absent" (version 0), so a row someone created
meanwhile is a conflict too (``check_keyed``).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from flask import g, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import desc, inspect, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from .web.actions import run_action
from .web.request import db_session

VERSION = "version"
#: What ``run_edit`` returns when the save was refused as out of date.
CONFLICT = "conflict"

__all__ = ["VERSION", "CONFLICT", "EditConflict", "StaleDataError", "VersionField",
           "check", "conflict", "run_edit", "version_input", "posted", "posted_checked",
           "Conflict", "Row", "load", "token", "signature", "form_fields", "set_token",
           "keyed_token", "keyed_input", "check_keyed", "run_keyed", "show"]


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


# -- the signature of the form's own fields ---------------------------------------
#: Field types that are not the record's values (never compared, never signed).
_SKIP_TYPES = ("CSRFTokenField", "HiddenField", "VersionField", "PasswordField",
               "SubmitField", "FileField", "MultipleFileField")
_SEP = ":"


def _canon(value: Any) -> Any:
    """A value as the signature sees it: None, "" and False alike (an empty
    field), numbers by value ("10.00" == 10), lists in any order."""
    if value is None or value is False or value == "":
        return ""
    if value is True:
        return "1"
    if isinstance(value, (int, float, Decimal)):
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return format(d.normalize(), "f") if d.is_finite() else str(d)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(_canon(v)) for v in value)
    return str(value).replace("\r\n", "\n").strip()


def signature(values: dict[str, Any]) -> str:
    """A short hash of a form's values (names and values, canonical)."""
    data = json.dumps({str(k): _canon(v) for k, v in values.items()}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def _comparable(form):
    for f in form:
        if f.name in ("csrf_token", _field_name(form)) or f.type in _SKIP_TYPES:
            continue
        yield f


def _current(record, current) -> dict[str, Any]:
    if record is None:
        return {}
    return current(record) if callable(current) else (current or {})


def _values(record, form=None, fields=None, current=None) -> dict[str, Any]:
    """The record's values now for the fields the form shows."""
    out: dict[str, Any] = {}
    if record is None:
        return out
    if form is not None:
        cur = _current(record, current)
        for f in _comparable(form):
            key = f.short_name
            if key in cur:
                out[key] = cur[key]
            elif hasattr(record, key):
                out[key] = getattr(record, key)
    for spec in fields or ():
        value = spec[2]
        out[spec[0]] = value(record) if callable(value) else value
    return out


def token(record, form=None, fields=None, current=None) -> str:
    """What the form carries: "version:signature of the form's fields"."""
    if record is None:
        return ""
    v = getattr(record, VERSION, None)
    if form is None and fields is None:
        fields = fields_for(record)
    if form is None and fields is None:
        return "" if v is None else str(v)
    return f"{'' if v is None else v}{_SEP}{signature(_values(record, form, fields, current))}"


def set_token(form, value: str) -> None:
    """Put ``value`` in the form's version field (shown again as is)."""
    vf = getattr(form, VERSION, None) if form is not None else None
    if vf is not None:
        vf.data = value
        vf.raw_data = [value]


def load(form, record, current=None) -> None:
    """Fill a WTForms form's version field with ``record``'s version and the
    signature of the form's fields as loaded; a submitted form keeps what
    it posted.  ``current``: values of fields that are not plain attributes
    of the record, as given to ``check`` and ``conflict``."""
    vf = getattr(form, VERSION, None)
    if vf is None or vf.raw_data or record is None:
        return
    vf.data = token(record, form, None, current)


#: Hand-written forms' fields per model: ``(name, label, value(record)[, choices])``.
_FIELDS: dict[type, Callable[[], list]] = {}


def form_fields(model: type):
    """Declare the fields of ``model``'s hand-written edit form (a function
    returning ``[(name, label, value(record)[, choices]), …]``), so that
    ``version_input(record)`` signs them and ``run_edit`` checks them."""
    def register(fn: Callable[[], list]) -> Callable[[], list]:
        _FIELDS[model] = fn
        return fn
    return register


def fields_for(record) -> list | None:
    if record is None:
        return None
    for cls in type(record).__mro__:
        if cls in _FIELDS:
            return _FIELDS[cls]()
    return None


# -- the version the form was loaded with ----------------------------------------
def _field_name(form) -> str:
    if form is not None and getattr(form, VERSION, None) is not None:
        return getattr(form, VERSION).name
    return VERSION


def _parse(raw: str | None) -> tuple[int | None, str | None] | None:
    """(version, signature) from a posted token; None when nothing was
    posted (a client that does not send it gets only the check at flush
    time).  "3" is a version alone, ":abc…" a signature alone."""
    if raw is None or not raw.strip():
        return None
    v, _sep, sig = raw.strip().partition(_SEP)
    try:
        version = int(v) if v else None
    except ValueError:
        version = -1  # nonsense never matches a row's version
    return version, (sig or None)


def submitted(form=None) -> int | None:
    """The version posted with the form, None when the form carries none."""
    got = _parse(request.form.get(_field_name(form)))
    return None if got is None else got[0]


def _lock(record) -> None:
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


def check(record, form=None, *, fields=None, current=None) -> None:
    """Raise ``EditConflict`` when a field the form shows changed since the
    form was loaded.

    The row is read again under a row lock (``SELECT ... FOR UPDATE``; on
    SQLite the writing transaction holds the database lock), so no other
    save can slip in between this check and the caller's flush.  The same
    version passes; another version passes when the form's fields (of
    ``form``, with ``current`` as for ``conflict``, or the hand-written
    ``fields``) still have the values the form was loaded with.  Call it
    before changing the record: pending changes on it are discarded."""
    if record is None:
        return
    got = _parse(request.form.get(_field_name(form)))
    if got is None:
        return
    v, sig = got
    _lock(record)
    if v is None or v != record.version:
        if form is None and fields is None:
            fields = fields_for(record)
        if sig is None or (form is None and fields is None) or sig != signature(
                _values(record, form, fields, current)):
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


def version_input(record, fields=None) -> Markup:
    """``<input type=hidden name=version>`` for a hand-written edit form: the
    record's version and the signature of its fields (``fields``, else
    those declared with ``form_fields``)."""
    if fields is not None and not isinstance(fields, (list, tuple)):
        fields = None  # an undefined template variable
    return Markup('<input type="hidden" name="%s" value="%s">') % (
        VERSION, token(record, None, fields))


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


#: A value as the conflict box shows it.
display = _show


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


def _hidden_pii(record) -> dict[str, str]:
    """``{field: kind}`` of the personal data the conflict box masks: the
    record's marked columns, for a user who may not reveal them (issue 18)."""
    from . import privacy
    from .web.request import can

    kinds = privacy.pii_fields(type(record))
    if not kinds or can(privacy.REVEAL):
        return {}
    return kinds


def _masked(value: Any, kind: str | None) -> Any:
    if kind is None or value is None or isinstance(value, bool):
        return value
    from . import privacy

    return privacy.mask(value, kind)


def _rows_from_form(form, record, current: dict[str, Any]) -> list[Row]:
    rows = []
    hidden = _hidden_pii(record)
    for f in _comparable(form):
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
        kind = hidden.get(key)
        rows.append(Row(str(f.label.text), _show(_masked(theirs, kind), choices),
                        _show(_masked(yours, kind), choices)))
    return rows


def _rows_from_spec(record, fields: Iterable[FieldSpec]) -> list[Row]:
    rows = []
    hidden = _hidden_pii(record)
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
        kind = hidden.get(name)
        rows.append(Row(str(label).replace("%%", "%"), _show(_masked(theirs, kind), choices),
                        _show(_masked(yours, kind), choices)))
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
        set_token(form, token(record, form, None, current))
    if fields is not None and record is not None:
        rows += _rows_from_spec(record, fields)
    who, at = _last_change(session, record) if record is not None else ("", None)
    c = show(rows, who, at)
    session.commit()  # end the read transaction the reload began
    return c


def show(rows: list[Row], who: str = "", at: datetime | None = None) -> Conflict:
    """Put a conflict on the page (``base.html`` shows ``g.edit_conflict``)."""
    c = Conflict(who=who, at=at, rows=rows)
    g.edit_conflict = c
    return c


def run_edit(record, fn: Callable, *args, ok: Any = None,
             fields: Iterable[FieldSpec] | None = None, form=None,
             current: Any = None, **kwargs):
    """``core.web.actions.run_action`` for an edit of ``record``: returns
    ``(result, True)`` when saved, ``(None, False)`` when the service refused
    (message flashed), ``(None, CONFLICT)`` when the record changed since the
    form was loaded — nothing saved, ``g.edit_conflict`` set: render the page
    again (status 409) instead of redirecting.  A hand-written form passes
    ``fields`` (or declares them with ``form_fields``); a WTForms form passes
    ``form`` (and ``current``, as for ``conflict``)."""
    s = db_session()
    if fields is None:
        fields = fields_for(record)
    try:
        check(record, form, fields=fields, current=current)
        return run_action(fn, *args, ok=ok, **kwargs)
    except (EditConflict, StaleDataError):
        conflict(s, record, form=form, fields=fields, current=current)
        return None, CONFLICT


# -- create-or-overwrite forms ------------------------------------------------------
def keyed_token(rows: Iterable[tuple[Any, int]]) -> str:
    """The versions of the rows a create-or-overwrite form's page showed,
    by key; a key not listed was absent."""
    return json.dumps({str(k): int(v) for k, v in rows}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def keyed_input(rows: Iterable[tuple[Any, int]]) -> Markup:
    """``<input type=hidden name=version>`` for a hand-written create-or-overwrite form."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (VERSION, keyed_token(rows))


def check_keyed(session, key: Any, find: Callable[[], Any], lock=None, form=None):
    """For a create-or-overwrite form: the row under ``key`` now (``find()``,
    None when absent), after ``lock`` (a ``SELECT … FOR UPDATE`` of the row
    the key belongs to, so that nobody creates the row meanwhile).  Raises
    ``EditConflict`` when its version is not the one the page showed (0:
    absent).  A client that posts no versions is not checked."""
    if lock is not None:
        session.execute(lock)
    row = find()
    raw = request.form.get(_field_name(form))
    if raw is None or not raw.strip():
        return row
    try:
        seen = json.loads(raw)
    except ValueError:
        seen = None
    if not isinstance(seen, dict):
        raise EditConflict()
    if row is not None and inspect(row).persistent:
        session.refresh(row)
    try:
        loaded = int(seen.get(str(key), 0))
    except (TypeError, ValueError):
        loaded = -1
    if loaded != (0 if row is None else row.version):
        raise EditConflict()
    return row


def run_keyed(key: Any, find: Callable[[], Any], fn: Callable, *args, lock=None, ok: Any = None,
              fields: Iterable[FieldSpec] | None = None, form=None, **kwargs):
    """``run_edit`` for a hand-written create-or-overwrite form: checks the
    row under ``key`` (``check_keyed``) and calls the service; returns
    ``(None, CONFLICT)`` with ``g.edit_conflict`` set (the row as it is now,
    ``fields`` compared with the user's input) when it changed, or was
    created, since the page was loaded.  A WTForms page passes ``form``
    (its version field and its fields are compared, as for ``conflict``)."""
    s = db_session()
    try:
        check_keyed(s, key, find, lock=lock, form=form)
        return run_action(fn, *args, ok=ok, **kwargs)
    except (EditConflict, StaleDataError):
        s.rollback()
        conflict(s, find(), form=form, fields=fields)
        return None, CONFLICT


TEMPLATE_GLOBALS = {"keyed_input": keyed_input, "version_input": version_input, "posted": posted,
                    "posted_checked": posted_checked}
