"""Personal data on pages (issue 18): the ``pii()`` template helper that shows
a masked value with a "reveal" control, and the reveal page itself (a form
asking why; with JavaScript the same form opens in place, ``qudao.js``)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from wtforms import SelectField, StringField
from wtforms.validators import Length

from .. import privacy
from ..security import safe_next
from .decorators import permission_required
from .request import can, db_session, enabled_plugins, ext, signed_in

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

#: The short list of purposes; "other" needs a description.
PURPOSES = (
    ("contact", _l("Contact the person")),
    ("delivery", _l("Delivery or installation")),
    ("verify", _l("Check or correct the record")),
    ("finance", _l("Collection or reconciliation")),
    ("other", _l("Other (describe below)")),
)


class RevealForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), choices=[("", "—"), *PURPOSES])
    detail = StringField(_l("Details"), validators=[Length(max=200)])

    def reason(self) -> str | None:
        """The purpose as it goes into the audit row, or None with an error set."""
        code = self.purpose.data or ""
        labels = dict(PURPOSES)
        detail = (self.detail.data or "").strip()
        if code not in labels:
            self.purpose.errors = [_l("Say why you need to see this value.")]
            return None
        if code == "other" and not detail:
            self.detail.errors = [_l("Describe the purpose.")]
            return None
        return f"{labels[code]}：{detail}" if detail else str(labels[code])


def _model_for_table(table: str):
    for plugin, models in ext().models.items():
        for m in models:
            if getattr(m, "__tablename__", None) == table:
                return plugin, m
    return None, None


def _target(table: str, ident: str, field: str):
    """(model, row) for a marked field of a record the user may see; else 404."""
    plugin, model = _model_for_table(table)
    if model is None or (plugin != "core" and plugin not in enabled_plugins()):
        abort(404)
    if field not in privacy.pii_fields(model):
        abort(404)
    from .. import access

    row = access.scoped_get(db_session(), model, ident, signed_in())
    if row is None:
        abort(404)
    return model, row


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/reveal/<table>/<ident>/<field>", methods=["GET", "POST"])
@permission_required(privacy.REVEAL)
def reveal(table: str, ident: str, field: str):
    model, row = _target(table, ident, field)
    kind = privacy.pii_fields(model)[field]
    form = RevealForm()
    back = safe_next(request.values.get("next"), url_for("core.home"))
    masked = privacy.mask(getattr(row, field), kind)
    if request.method == "POST":
        reason = form.reason() if form.validate() else None
        if reason is not None:
            s = db_session()
            try:
                value = privacy.reveal(s, signed_in(), model, ident, field, reason)
            except privacy.RevealError as e:
                form.purpose.errors = [e.args[0]]
            except LookupError:
                abort(404)
            else:
                s.commit()
                if _wants_json():
                    return {"value": value}
                return render_template("core/reveal_done.html", value=value, masked=masked,
                                       back=back)
        errors = [str(e) for f in form for e in (f.errors or ())]
        if _wants_json():
            return {"error": " ".join(errors) or str(_l("Say why you need to see this value."))}, 400
        status = 400
    else:
        status = 200
    if request.headers.get("X-Qudao-Fragment"):
        return render_template("core/_reveal_form.html", form=form, back=back,
                               action=request.path), status
    return render_template("core/reveal.html", form=form, masked=masked, back=back,
                           action=request.path), status


def _ident(record: Any) -> str | None:
    try:
        pk = sa_inspect(record).mapper.primary_key_from_instance(record)
    except Exception:  # noqa: BLE001 - not a mapped object
        return None
    if any(p is None for p in pk):
        return None
    return ":".join(str(p) for p in pk)


def pii(record: Any, field: str, kind: str | None = None) -> Markup:
    """``{{ pii(customer, 'phone') }}``: the masked value, and for a user
    holding ``core.reveal_pii`` a link that reveals it (with a purpose)."""
    value = getattr(record, field, None)
    marked = privacy.pii_fields(type(record))
    kind = kind or marked.get(field)
    if kind is None:
        return escape("" if value is None else value)
    masked = privacy.mask(value, kind)
    if not masked:
        return Markup("")
    shown = Markup('<span data-pii>{}</span>').format(masked)
    ident = _ident(record) if field in marked else None
    if ident is None or masked == str(value).strip() or not can(privacy.REVEAL):
        return Markup('<span class="pii">{}</span>').format(shown)
    url = url_for("privacy.reveal", table=record.__tablename__, ident=ident, field=field,
                  next=request.full_path)
    return Markup('<span class="pii" data-pii-box>{} <a class="pii-reveal" href="{}" '
                  'data-reveal>{}</a></span>').format(shown, url, _l("Reveal"))


def pii_filter(value: Any, kind: str) -> str:
    """``{{ value|pii('mobile') }}``: masked, with no reveal control (a value
    that is not a column of a record, a PDF)."""
    return privacy.mask(value, kind)


# -- edit forms --------------------------------------------------------------------
#: The hidden input beside a masked field: the masked text the form showed.
KEEP_PREFIX = "pii_shown-"


class _MaskedWidget:
    """Renders a personal-data field with the masked value of the record
    (never the clear one, whatever the field holds) and a hidden marker
    carrying that masked text: posted back unchanged, the field keeps the
    stored value."""

    def __init__(self, inner, record, attr: str, kind: str):
        self.inner, self.record, self.attr, self.kind = inner, record, attr, kind

    def __call__(self, field, **kwargs):
        shown = privacy.mask(getattr(self.record, self.attr, None), self.kind)
        saved = field.data
        field.data = shown
        try:
            kwargs.setdefault("aria-describedby", f"{field.id}-pii")
            html = self.inner(field, **kwargs)
        finally:
            field.data = saved
        return Markup('{}<input type="hidden" name="{}" value="{}">'
                      '<small class="muted" id="{}-pii">{}</small>').format(
            html, KEEP_PREFIX + field.name, shown, field.id,
            _l("Hidden personal data: leave it as it is to keep it, or type the whole new value."))


def _starred(form_field, field):
    if "***" in (field.data or ""):
        from wtforms.validators import ValidationError

        raise ValidationError(_l("Type the whole new value: the stars stand for hidden "
                                 "characters."))


def mask_form(form, record) -> set[str]:
    """Mask the personal-data fields of an edit form (WTForms, filled from
    ``record``) for a user who may not reveal them.

    Such a field shows the masked value (``138****5678``) and carries it in
    a hidden marker.  Posted back unchanged, the field gets the stored value
    again (so the save keeps it); anything else typed is the new value (a
    value with the stars in it is refused: it would store the stars).  The
    edit-conflict signature is taken from the record, never from the
    form, so an untouched masked field is no conflict.  A user holding
    ``core.reveal_pii`` sees and edits clear values.  Returns the names of
    the fields masked.  Call it after building the form, before
    ``validate_on_submit``."""
    if record is None or can(privacy.REVEAL):
        return set()
    kinds = privacy.pii_fields(type(record))
    posted = request.form if request.method == "POST" else None
    masked = set()
    for f in form:
        kind = kinds.get(f.short_name)
        if kind is None:
            continue
        stored = getattr(record, f.short_name, None)
        clear = "" if stored is None else str(stored).strip()
        if not clear or privacy.mask(stored, kind) == clear:
            continue  # nothing hidden: an ordinary field
        if posted is not None:
            shown = posted.get(KEEP_PREFIX + f.name)
            if shown is None or (f.data or "").strip() != shown.strip():
                # A new value typed over the masked one (or a client
                # that sent no marker): saved as typed.
                if shown is not None:
                    f.validators = [*f.validators, _starred]
                continue
            f.data = stored  # untouched: keep what is stored
        f.widget = _MaskedWidget(f.widget, record, f.short_name, kind)
        masked.add(f.short_name)
    return masked


def install(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["pii"] = pii
    app.jinja_env.filters["pii"] = pii_filter
