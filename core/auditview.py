"""The change history as people read it (issue 21, item 25).

``describe(session, rows)`` turns ``core_audit_log`` rows into entries with
the table's and fields' translated labels, codes as their labels, another
record's id as that record's name, the person who did it (or "system" for a
change without a signed-in person, e.g. the command line) and the reason.
Labels come from the plugins' ``register_audit_labels`` declarations
(``core.registry.AuditLabels``); a column without one falls back to its
``info={"label": …}``, then to its name.  Personal data stays masked like
on every page (``core.privacy``).  No Flask: pages and PDFs alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import privacy
from .i18n import _

#: Attributes that name a record, tried in order.
NAME_ATTRS = ("full_name", "name", "title", "number", "code", "username", "label", "key")


@dataclass
class Entry:
    """One row of the history: ``changes`` are ``(label, old, new)``; ``old``
    is None for a record created, ``new`` for one deleted."""
    id: int
    at: datetime
    who: str
    table: str
    what: str
    record_id: str
    record: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    reason: str = ""


def _models(session: Session) -> dict[str, Any]:
    return {m.__tablename__: m for models in session.ext.models.values() for m in models}


def record_name(obj) -> str:
    """A record's name as people know it: ``audit_name()`` when the model
    has one, else its name, number or code (with the code before a name)."""
    fn = getattr(obj, "audit_name", None)
    if callable(fn):
        return str(fn())
    code = getattr(obj, "code", None)
    for attr in NAME_ATTRS:
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            if attr in ("name", "title") and isinstance(code, str) and code and code != value:
                return f"{code} {value}"
            return value
    return f"#{getattr(obj, 'id', '')}"


def _names(session: Session, model, ids: set) -> dict[str, str]:
    """``{str(id): name}`` of the ``model`` rows with ``ids`` (one query)."""
    pk = list(model.__mapper__.primary_key)
    if len(pk) != 1 or not ids:
        return {}
    col = pk[0]
    keys = set()
    for i in ids:
        try:
            keys.add(int(i) if col.type.python_type is int else i)
        except (TypeError, ValueError, NotImplementedError):
            continue
    out = {}
    for obj in session.scalars(select(model).where(col.in_(keys))):
        out[str(getattr(obj, col.key))] = record_name(obj)
    return out


def _references(model) -> dict[str, str]:
    """``{attribute: referenced table}`` of the model's foreign-key columns."""
    refs = {}
    for attr in model.__mapper__.column_attrs:
        for col in attr.columns:
            for fk in col.foreign_keys:
                refs[attr.key] = fk.column.table.name
    return refs


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T" and value[:4].isdigit():
        return value[:19].replace("T", " ")  # a datetime as the audit stored it
    if isinstance(value, dict):
        return "；".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


def _value(value, labels, names: dict[str, str] | None) -> str:
    if isinstance(value, list):
        return "、".join(_value(v, labels, names) for v in value) if value else "—"
    if value is None:
        return "—"
    if names is not None:
        return names.get(str(value), f"#{value}")
    if labels is not None:
        found = labels(value) if callable(labels) else labels.get(value)
        if found is not None:
            return str(found)
    return _plain(value)


def field_label(session: Session, table: str, key: str) -> str:
    spec = session.ext.audit_labels.get(table)
    if spec is not None and key in spec.fields:
        return str(spec.fields[key])
    model = _models(session).get(table)
    if model is not None and key in model.__mapper__.column_attrs:
        label = model.__mapper__.column_attrs[key].columns[0].info.get("label")
        if label is not None:
            return str(label)
    return _guessed(key)


def _guessed(key: str) -> str:
    """An undeclared field: its name as words ("customer_id" → "Customer"),
    when the catalogues know those words; else the name itself."""
    words = key[:-3] if key.endswith("_id") else key
    words = words.replace("_", " ").strip().capitalize()
    if not words:
        return key
    found = _(words)
    from .i18n import current_locale

    if found != words or current_locale().startswith("en"):
        return found
    return key


def table_label(session: Session, table: str) -> str:
    spec = session.ext.audit_labels.get(table)
    return str(spec.title) if spec is not None else table


def describe(session: Session, rows) -> list[Entry]:
    """The entries of ``rows`` (``AuditLog`` objects), with labels and names;
    a few queries for the whole page (one per referenced table)."""
    from .models import User

    models = _models(session)
    # Which ids of which tables the page names: the records and the ids in
    # their foreign-key columns.
    wanted: dict[str, set] = {}
    refs_of: dict[str, dict[str, str]] = {}
    for r in rows:
        wanted.setdefault(r.table_name, set()).add(r.record_id)
        model = models.get(r.table_name)
        refs = refs_of.setdefault(r.table_name, _references(model) if model is not None else {})
        for key, (old, new) in _pairs(r):
            if key in refs:
                for v in (old, new):
                    for one in (v if isinstance(v, list) else [v]):
                        if one is not None:
                            wanted.setdefault(refs[key], set()).add(str(one))
    names = {t: _names(session, models[t], ids) if t in models else {}
             for t, ids in wanted.items()}
    _core_names(session, names)
    pii = {t: privacy.pii_fields(m) for t, m in models.items()}
    actions = {"create": _("created"), "update": _("changed"), "delete": _("deleted"),
               privacy.ACTION: _("revealed")}
    out = []
    for r in rows:
        spec = session.ext.audit_labels.get(r.table_name)
        kinds = pii.get(r.table_name, {})
        refs = refs_of.get(r.table_name, {})
        changes = []
        for key, (old, new) in _pairs(r):
            label = field_label(session, r.table_name, key)
            if r.action == privacy.ACTION:
                shown = "、".join(field_label(session, r.table_name, f) for f in (new or []))
                changes.append((_("Fields"), None, shown))
                continue
            if key in kinds:
                changes.append((label, "—" if old is None else privacy.mask(old, kinds[key]),
                                "—" if new is None else privacy.mask(new, kinds[key])))
                continue
            values = spec.values.get(key) if spec is not None else None
            ref = names.get(refs[key], {}) if key in refs else None
            changes.append((label, _value(old, values, ref), _value(new, values, ref)))
        if r.action == "create":  # what it was created with
            changes = [(k, None, new) for k, _old, new in changes]
        elif r.action == "delete":  # what it held
            changes = [(k, old, None) for k, old, _new in changes]
        who = r.user.display_name if isinstance(r.user, User) else _("System")
        out.append(Entry(
            id=r.id, at=r.at, who=who, table=r.table_name, what=table_label(session, r.table_name),
            record_id=r.record_id, record=names.get(r.table_name, {}).get(r.record_id, f"#{r.record_id}"),
            action=actions.get(r.action, r.action), changes=changes, reason=r.reason or ""))
    return out


def _core_names(session: Session, names: dict[str, dict[str, str]]) -> None:
    """Settings and plugins by the names people see on their pages."""
    from .i18n import current_locale

    ext = session.ext
    for key in list(names.get("core_setting", {})):
        spec = ext.settings.get(key)
        if spec is not None:
            names["core_setting"][key] = str(spec.label)
    for table in ("core_plugin_state",):
        for name in list(names.get(table, {})):
            manifest = ext.host.manifests.get(name)
            if manifest is not None:
                names[table][name] = manifest.label(current_locale())


def _pairs(row) -> list[tuple[str, tuple]]:
    """``[(field, (old, new))]`` of a row, without the id and, for a
    record created, the fields it was created empty."""
    out = []
    for key, v in (row.changes or {}).items():
        if row.action == privacy.ACTION:
            out.append((key, (None, v)))
            continue
        if key == "id" or not isinstance(v, (list, tuple)) or len(v) != 2:
            continue
        if row.action == "create" and v[1] in (None, "", [], False):
            continue
        out.append((key, (v[0], v[1])))
    return out
