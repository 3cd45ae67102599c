"""FABE product cards: everyone reads them, managers write them."""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import versions
from core.web.decorators import permission_required
from core.web.request import can, db_session

from ..declarations import SELL, VIEW
from ..forms_clients import CardForm
from ..models.clients import PRODUCT_KINDS
from ..models.retail import BankProductCard
from ..services import cards as svc
from ..services.holdings import KIND_LABELS
from . import bp


@bp.route("/cards")
@permission_required(VIEW)
def cards():
    rows = db_session().scalars(select(BankProductCard)
                                .order_by(BankProductCard.kind, BankProductCard.title)).all()
    return render_template("banking_rm/cards.html", cards=rows, kind_labels=KIND_LABELS,
                           can_edit=can(SELL))


def _form(card=None):
    form = CardForm(obj=card)
    form.kind.choices = [(k, str(KIND_LABELS[k])) for k in PRODUCT_KINDS]
    return form


@bp.route("/cards/new", methods=["GET", "POST"])
@permission_required(SELL)
def card_new():
    form = _form()
    if form.validate_on_submit():
        from core.web.actions import run_action

        _c, ok = run_action(svc.save_card, current_user, None,
                            **{k: getattr(form, k).data for k in svc.FIELDS}, ok=_("Saved."))
        if ok:
            return redirect(url_for("banking_rm.cards"))
    return render_template("banking_rm/card_form.html", form=form, card=None)


@bp.route("/cards/<int:card_id>/edit", methods=["GET", "POST"])
@permission_required(SELL)
def card_edit(card_id):
    card = db_session().get(BankProductCard, card_id)
    if card is None:
        abort(404)
    form = _form(card)
    versions.load(form, card)
    if form.validate_on_submit():
        _r, ok = versions.run_edit(card, svc.save_card, current_user, card, form=form,
                                   ok=_("Saved."), **{k: getattr(form, k).data for k in svc.FIELDS})
        if ok == versions.CONFLICT:
            return render_template("banking_rm/card_form.html", form=form, card=card), 409
        if ok:
            return redirect(url_for("banking_rm.cards"))
    return render_template("banking_rm/card_form.html", form=form, card=card)
