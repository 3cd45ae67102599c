"""The record picker (issue 21 item 9, issue 22 item 5): one way to choose a
record — a customer, a dealer, a product — in every form of every plugin.

A plugin declares each kind of record it lets forms choose with a
``core.registry.PickerSpec`` from its ``register_pickers()`` hook.  Core
then gives, for every kind:

* ``GET /pick/<kind>?q=…&action=view|edit`` — a JSON search of the records
  the signed-in user may see (the spec's scoped select, so someone else's
  record never appears), at most ``LIMIT`` of them: ``{"results":
  [{"value": key, "text": label}]}``.  An unknown kind, or one of a plugin
  the user does not use, is a 404; a kind whose permission the user lacks,
  a 403.  It changes nothing, so it takes GET only (no CSRF token).
* ``picker(kind, name, selected=…)`` — a Jinja global writing the form
  field: a text input holding the record's key (a customer's code).  With
  JavaScript the vendored Tom Select turns it into a search-as-you-type
  box fed by the endpoint; without it, the user types the code.
* ``picked(kind, raw, action=…)`` — what a view calls with the posted
  value: the record, found in the user's scope by key (or by id, as forms
  and tests posted before); anything else is refused with a 404 page (as
  any record outside the user's scope) that says which value was not
  accepted, a blank required choice with a 422 — never a 500, nothing saved.
"""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import or_
from sqlalchemy.orm import load_only
from werkzeug.exceptions import NotFound, UnprocessableEntity

from .. import access
from ..i18n import _
from ..inputs import bounded_int
from .request import can, db_session, g_dict, hooks, signed_in

#: Results one search answers (the first, in the spec's order).
LIMIT = 20
#: Longest search text looked at.
MAX_QUERY = 60
ACTIONS = (access.VIEW, access.EDIT)


class PickRefused(NotFound):
    """A posted value that is no record the user may choose: 404, as for
    any record outside the user's scope (the message is the same whether
    the record exists or not, so it reveals nothing), with the reason."""

    @property
    def title(self):
        return _("This choice was not accepted")


class PickMissing(UnprocessableEntity):
    """A required choice left blank (422)."""

    @property
    def title(self):
        return _("This choice was not accepted")


def specs() -> dict[str, Any]:
    """``{kind: PickerSpec}`` of the signed-in user's plugins."""
    gd = g_dict()
    found = gd.get("_qudao_pickers")
    if found is None:
        found = {}
        for spec in hooks().flat("register_pickers"):
            if spec.kind in found:
                raise RuntimeError(f"picker kind {spec.kind!r} declared twice")
            found[spec.kind] = spec
        gd["_qudao_pickers"] = found
    return found


def spec_for(kind: str):
    spec = specs().get(kind)
    if spec is None:
        abort(404)
    if spec.permission and not can(spec.permission):
        abort(403)
    return spec


def _action(action: str | None) -> str:
    return action if action in ACTIONS else access.VIEW


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(kind: str, q: str, action: str = access.VIEW, limit: int = LIMIT) -> list[dict]:
    """The first ``limit`` records of ``kind`` in the user's scope matching ``q``."""
    spec = spec_for(kind)
    s = db_session()
    stmt = spec.select(s, signed_in(), _action(action))
    q = "".join(ch for ch in (q or "") if ch >= " ").strip()[:MAX_QUERY]
    if q:
        if spec.search is not None:
            stmt = spec.search(s, stmt, q, s.get_bind().dialect.name)
        else:
            pattern = _like(q)
            stmt = stmt.where(or_(*(col.ilike(pattern, escape="\\")
                                    for col in (spec.key, *spec.columns))))
    stmt = stmt.order_by(*(spec.order_by or (spec.key,))).limit(limit)
    if spec.load:
        stmt = stmt.options(load_only(*spec.load))
    return [{"value": str(getattr(row, spec.key.key)), "text": spec.label(row)}
            for row in s.execute(stmt).scalars()]


def _find(spec, raw: str, action: str):
    s = db_session()
    base = spec.select(s, signed_in(), action)
    row = s.execute(base.where(spec.key == raw).limit(1)).scalars().first()
    if row is None and " " in raw:  # a label pasted whole: "C2026-00042 杭州华联电器"
        row = s.execute(base.where(spec.key == raw.split(" ", 1)[0]).limit(1)).scalars().first()
    if row is None and raw.isdigit():  # the record's id, as the forms posted before
        try:
            ident = bounded_int(raw)
        except ValueError:
            return None
        row = s.execute(base.where(spec.model.id == ident).limit(1)).scalars().first()
    return row


def picked(kind: str, raw: Any, action: str = access.VIEW, *, required: bool = True):
    """The record of ``kind`` the user chose with ``raw`` (a posted key or
    id), within their scope for ``action``; None for a blank optional field.
    Raises ``PickRefused`` (404) or ``PickMissing`` (422), each a page
    with the reason, otherwise."""
    spec = spec_for(kind)
    text = str(raw if raw is not None else "").strip()[:200]
    if not text:
        if required:
            raise PickMissing(description=_("Choose a %(noun)s.", noun=spec.noun))
        return None
    row = _find(spec, text, _action(action))
    if row is None:
        raise PickRefused(description=_(
            "There is no %(noun)s “%(value)s” among those you may choose.",
            noun=spec.noun, value=text))
    return row


def picked_id(kind: str, raw: Any, action: str = access.VIEW, *, required: bool = True):
    row = picked(kind, raw, action, required=required)
    return None if row is None else row.id


def picker(kind: str, name: str, selected: Any = None, action: str = access.VIEW, *,
           required: bool = False, id: str | None = None, label: Any = None,
           placeholder: Any = None, invalid: bool = False) -> Markup:
    """The form field choosing a record of ``kind`` (see the module's doc).
    ``selected``: the chosen record, its id or its key (looked up in the
    user's scope; a value that finds nothing is shown as it was typed)."""
    spec = spec_for(kind)
    action = _action(action)
    g_dict()["_qudao_picker_used"] = True
    value, text = "", ""
    if selected is not None and selected != "":
        row = selected if isinstance(selected, spec.model) else _find(spec, str(selected).strip(), action)
        if row is not None:
            value, text = str(getattr(row, spec.key.key)), spec.label(row)
        else:
            value = str(selected)
    url = url_for("core.pick", kind=kind, action=action)
    attrs = {
        "type": "text", "name": name, "id": id or name, "value": value,
        "class": "picker", "data-picker-url": url, "data-picker-text": text,
        "data-picker-empty": _("Nothing found."), "data-picker-more": _("Type to search…"),
        "autocomplete": "off", "autocapitalize": "off", "spellcheck": "false",
        "placeholder": str(placeholder) if placeholder is not None else _("Code or name"),
        "title": _("Type the code, or search by code or name"),
    }
    if label is not None:
        attrs["aria-label"] = str(label)
    out = "<input " + " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
    if required:
        out += " required"
    if invalid:
        out += ' aria-invalid="true"'
    return Markup(out + ">")


def picker_used() -> bool:
    """Did this page draw a picker (then base.html loads Tom Select)?"""
    return bool(g_dict().get("_qudao_picker_used"))


def pick_view(kind: str):
    """``GET /pick/<kind>``: the JSON search (core's blueprint mounts it)."""
    results = search(kind, request.args.get("q", ""), request.args.get("action"))
    resp = jsonify({"results": results})
    resp.headers["Cache-Control"] = "no-store"
    return resp


TEMPLATE_GLOBALS = {"picker": picker, "picker_used": picker_used}
