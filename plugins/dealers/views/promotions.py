"""Promotions: the six-step record and the summary."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.access import EDIT
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import DealerPromotion, DealerTerminal
from ..models.market import CHANNELS, EXECUTION_ITEMS, PROMOTION_STEPS, TRIGGERS
from ..declarations import PROMOTION, VIEW
from ..services import promotions as svc
from . import bp
from .common import PAGE, dealer_or_404, posted_dealer
from core import clock


def _labels():
    return {"steps": svc.step_labels(), "triggers": svc.trigger_labels(),
            "channels": svc.channel_labels(), "execution": svc.execution_labels(),
            "data": svc.data_labels()}


@bp.route("/promotions")
@permission_required(VIEW)
def promotions():
    s = db_session()
    page = page_arg()
    rows = s.execute(web_scoped_select(DealerPromotion).order_by(DealerPromotion.start_date.desc(), DealerPromotion.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    terminals = s.execute(web_scoped_select(DealerTerminal, EDIT).where(DealerTerminal.active.is_(True))
                          .order_by(DealerTerminal.name)).scalars().all()
    return render_template("dealers/promotions.html", promotions=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, terminals=terminals,
                           triggers=TRIGGERS, labels=_labels(), can_edit=can(PROMOTION),
                           today=clock.today())


@bp.route("/promotions/new", methods=["POST"])
@permission_required(PROMOTION)
def promotion_new():
    customer = posted_dealer(request.form.get("customer_id"), EDIT)
    terminal = None
    if request.form.get("terminal_id"):
        terminal = get_or_404(DealerTerminal, request.form.get("terminal_id", type=int) or 0, EDIT)
    promo, ok = run(svc.create_promotion, customer, current_user, title=request.form.get("title", ""),
                    triggers=request.form.getlist("triggers"), start_date=request.form.get("start_date"),
                    end_date=request.form.get("end_date"), budget=request.form.get("budget") or "0",
                    terminal=terminal, ok=_("Promotion created."))
    if ok:
        return back("dealers.promotion", promotion_id=promo.id)
    return back("dealers.promotions")


@bp.route("/promotions/<int:promotion_id>")
@permission_required(VIEW)
def promotion(promotion_id: int):
    s = db_session()
    p = get_or_404(DealerPromotion, promotion_id)
    comparison = svc.sales_comparison(s, p)
    return render_template("dealers/promotion.html", p=p, steps=PROMOTION_STEPS, labels=_labels(),
                           channels=CHANNELS, items=EXECUTION_ITEMS, comparison=comparison,
                           can_edit=can(PROMOTION), today=clock.today())


@bp.route("/promotions/<int:promotion_id>/step", methods=["POST"])
@permission_required(PROMOTION)
def promotion_step(promotion_id: int):
    p = get_or_404(DealerPromotion, promotion_id, EDIT)
    f = request.form
    data = {k: f.get(k) for k in ("when_where", "form", "benefit_points", "staffing", "budget",
                                  "dealer_contact", "cost", "lessons")}
    data["agreement_signed"] = "agreement_signed" in f
    data["channels"] = f.getlist("channels")
    data["items"] = f.getlist("items")
    run(svc.record_step, p, f.get("step", ""), current_user, done_on=f.get("done_on"),
        notes=f.get("notes", ""), data=data, ok=_("Step recorded."))
    return back("dealers.promotion", promotion_id=p.id)
