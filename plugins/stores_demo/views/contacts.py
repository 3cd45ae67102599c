"""First-contact message templates (SMS/WeChat, phone script, e-mail):
developers read them, managers write them."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from core.web.actions import back, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session

from ..account_forms import TemplateForm
from ..account_labels import CHANNEL_LABELS
from ..declarations import TEMPLATES, VIEW
from ..models.accounts import TEMPLATE_CHANNELS, StoresDemoContactTemplate
from ..services import contacts as svc
from . import bp


@bp.route("/templates")
@permission_required(VIEW)
def templates():
    s = db_session()
    manage = can(TEMPLATES)
    return render_template("stores_demo/contact_templates.html",
                           templates=svc.templates(s, active_only=not manage),
                           channel_labels=CHANNEL_LABELS, can_manage=manage)


def _form(t=None) -> TemplateForm:
    form = TemplateForm(obj=t)
    form.channel.choices = [(k, str(CHANNEL_LABELS[k])) for k in TEMPLATE_CHANNELS]
    return form


@bp.route("/templates/new", methods=["GET", "POST"], defaults={"template_id": None})
@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@permission_required(TEMPLATES)
def template_edit(template_id):
    s = db_session()
    t = None
    if template_id is not None:
        t = s.get(StoresDemoContactTemplate, template_id)
        if t is None:
            abort(404)
    form = _form(t)
    if form.validate_on_submit():
        _r, ok = run_action(svc.save_template, t, channel=form.channel.data, name=form.name.data,
                            subject=form.subject.data or "", body=form.body.data,
                            active=bool(form.active.data), ok=_("Template saved."))
        if ok:
            return back("stores_demo.templates")
    status = 400 if request.method == "POST" else 200
    return render_template("stores_demo/contact_template_form.html", form=form, t=t), status


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@permission_required(TEMPLATES)
def template_delete(template_id: int):
    s = db_session()
    t = s.get(StoresDemoContactTemplate, template_id)
    if t is None:
        abort(404)
    run_action(svc.delete_template, t, ok=_("Template removed."))
    return back("stores_demo.templates")
