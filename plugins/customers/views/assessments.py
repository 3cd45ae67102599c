"""Contacts, the MAN qualification and the five-criteria evaluation of a customer."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import versions
from core.access import EDIT
from core.models import User
from core.web.actions import back, run_action
from core.web.decorators import permission_required
from core.web.privacy import mask_form
from core.web.request import can, db_session

from ..services import evaluation, man, master
from ..forms import ContactForm, EmptyForm, EvaluationForm, ManForm
from ..models import Contact, Customer, Evaluation, ManCheck
from ..declarations import EDIT as P_EDIT, EVALUATE, VIEW
from . import bp
from .common import child_or_404, customer_or_404, writable
from core import clock


# -- contacts ---------------------------------------------------------------------
@bp.route("/<int:customer_id>/contacts/new", methods=["GET", "POST"])
@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@permission_required(P_EDIT)
def contact_form(customer_id=None, contact_id=None):
    contact = child_or_404(Contact, contact_id, EDIT) if contact_id else None
    c = writable(contact.customer_id if contact else customer_id)
    form = ContactForm(obj=contact)
    versions.load(form, contact)
    mask_form(form, contact)  # personal data masked for a user who may not reveal it
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in master.CONTACT_FIELDS}
        _r, ok = versions.run_edit(contact, master.save_contact, c, contact, form=form,
                                   ok=_("Contact saved."), **data)
        if ok == versions.CONFLICT:
            return render_template("customers/contact_form.html", form=form, c=c,
                                   contact=contact), 409
        if ok:
            return redirect(url_for("customers.detail", customer_id=c.id))
    return render_template("customers/contact_form.html", form=form, c=c, contact=contact)


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@permission_required(P_EDIT)
def contact_delete(contact_id):
    contact = child_or_404(Contact, contact_id, EDIT)
    if not EmptyForm().validate_on_submit():
        abort(400)
    cid = contact.customer_id
    run_action(master.delete_contact, contact, ok=_("Contact deleted."))
    return back("customers.detail", customer_id=cid)


# -- MAN ----------------------------------------------------------------------------
@bp.route("/<int:customer_id>/man", methods=["GET", "POST"])
@permission_required(VIEW)
def man_check(customer_id):
    s = db_session()
    c = customer_or_404(customer_id)
    form = ManForm()
    if request.method == "POST":
        if not can(P_EDIT):
            abort(403)
        c = writable(customer_id)
        if form.validate_on_submit():
            desires = {k: getattr(form, k).data for k in man.DESIRE_CHECKS}
            check, ok = run_action(man.record, c, money=form.money.data,
                                   authority=form.authority.data, need=form.need.data,
                                   user_id=current_user.id, credit_status=form.credit_status.data,
                                   payment_plan=form.payment_plan.data, notes=form.notes.data,
                                   **desires)
            if ok:
                flash(_("MAN check: %(letters)s — %(action)s",
                        letters=man.letters(check.money, check.authority, check.need),
                        action=man.outcome_labels()[check.outcome]), "success")
                return back("customers.man_check", customer_id=c.id)
    history = s.scalars(select(ManCheck).where(ManCheck.customer_id == c.id)
                        .order_by(ManCheck.id.desc())).all()
    return render_template("customers/man.html", c=c, form=form, history=history,
                           outcomes=man.outcome_labels(), letters=man.letters,
                           desires=man.desire_labels(), table=man.TABLE,
                           users={u.id: u for u in s.scalars(select(User).where(
                               User.id.in_({h.checked_by for h in history})))})


# -- evaluation -----------------------------------------------------------------------
def _seen_evaluations(s, c) -> str:
    return versions.keyed_token(s.execute(select(Evaluation.period, Evaluation.version).where(
        Evaluation.customer_id == c.id)).all())



@bp.route("/<int:customer_id>/evaluate", methods=["GET", "POST"])
@permission_required(EVALUATE)
def evaluate(customer_id):
    s = db_session()
    c = writable(customer_id)
    form = EvaluationForm()
    # Any well-formed past period is accepted (the service checks it); the
    # picker offers the recent ones.
    form.period.choices = evaluation.period_choices(s, clock.today())
    if request.method == "GET":
        form.period.data = evaluation.period_of(s, clock.today())
    # Recording a period that exists revises it: the form carries the
    # versions of the periods the page lists (core.versions.check_keyed).
    if not form.version.raw_data:
        versions.set_token(form, _seen_evaluations(s, c))
    if form.validate_on_submit():
        scores = {k: getattr(form, k).data for k in evaluation.CRITERIA}
        period = (form.period.data or "").strip()

        def find():
            return s.scalar(select(Evaluation).where(Evaluation.customer_id == c.id,
                                                     Evaluation.period == period))
        ev, ok = versions.run_keyed(
            period, find, evaluation.evaluate, c, form.period.data, scores, current_user.id,
            form.notes.data, form=form,
            lock=select(Customer.id).where(Customer.id == c.id).with_for_update())
        if ok is versions.CONFLICT:
            versions.set_token(form, _seen_evaluations(s, c))
            return render_template("customers/evaluate.html", c=c, form=form,
                                   weights=evaluation.weights(s),
                                   labels=evaluation.criterion_labels(),
                                   history=evaluation.history(s, c),
                                   period_label=evaluation.period_label,
                                   actions=evaluation.action_labels()), 409
        if ok:
            flash(_("Evaluation %(period)s: score %(score)s — %(action)s", period=ev.period,
                    score=ev.score, action=evaluation.action_labels()[ev.action]), "success")
            return redirect(url_for("customers.detail", customer_id=c.id))
    return render_template("customers/evaluate.html", c=c, form=form,
                           weights=evaluation.weights(s), labels=evaluation.criterion_labels(),
                           history=evaluation.history(s, c),
                           period_label=evaluation.period_label,
                           actions=evaluation.action_labels())
