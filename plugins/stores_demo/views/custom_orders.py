"""Custom orders (定制): list, new, detail with the design sketches, the
deposit, stage moves, delivery and the contract PDF."""
from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core import settings
from core.access import EDIT
from core.models import Attachment
from core.web.actions import back, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select

from ..declarations import ORDERS, VIEW
from ..models.custom_orders import STAGES, StoresDemoCustomOrder
from ..models.pieces import METALS, StoresDemoGoldPrice
from ..services import custom_orders as svc
from . import bp
from .pieces import customer_or_404
from core import clock

PAGE = 50
SKETCH = "design_sketch"


@bp.route("/custom-orders")
@permission_required(VIEW)
def custom_orders():
    s = db_session()
    stage = request.args.get("stage", "")
    stmt = web_scoped_select(StoresDemoCustomOrder)
    if stage in STAGES or stage == "cancelled":
        stmt = stmt.where(StoresDemoCustomOrder.stage == stage)
    page = page_arg()
    rows = s.execute(stmt.order_by(StoresDemoCustomOrder.due_date, StoresDemoCustomOrder.id)
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    counted = web_scoped_select(StoresDemoCustomOrder).subquery()
    counts = dict(s.execute(select(counted.c.stage, func.count()).group_by(counted.c.stage)).all())
    return render_template("stores_demo/custom_orders_list.html", orders=rows[:PAGE],
                           has_next=len(rows) > PAGE, page=page, stage=stage, stages=STAGES,
                           counts=counts, can_act=can(ORDERS))


@bp.route("/custom-orders/new", methods=["GET", "POST"])
@permission_required(ORDERS)
def custom_order_new():
    s = db_session()
    if request.method == "POST":
        c = customer_or_404(request.form.get("customer_id"))
        order, ok = run(svc.create_order, c.id, request.form.to_dict(), current_user,
                        ok=_("Custom order taken; the gold price is locked."))
        if ok:
            return back("stores_demo.custom_order", order_id=order.id)
    today = clock.today()
    prices = dict(s.execute(select(StoresDemoGoldPrice.metal, StoresDemoGoldPrice.price_per_gram)
                            .where(StoresDemoGoldPrice.day == today)).all())
    return render_template("stores_demo/custom_orders_form.html",
                           metals=METALS, prices=prices, data=request.form,
                           due=today + timedelta(days=30))


@bp.route("/custom-orders/<int:order_id>")
@permission_required(VIEW)
def custom_order(order_id: int):
    s = db_session()
    o = get_or_404(StoresDemoCustomOrder, order_id)
    sketches = s.execute(select(Attachment).where(Attachment.res_table == StoresDemoCustomOrder.__tablename__,
                                                  Attachment.res_id == str(o.id))
                         .order_by(Attachment.id)).scalars().all()
    low, high = svc.deposit_bounds(s, o)
    nxt = None
    if o.stage in STAGES and STAGES.index(o.stage) < len(STAGES) - 2:
        nxt = STAGES[STAGES.index(o.stage) + 1]
    return render_template("stores_demo/custom_orders_detail.html", o=o, sketches=sketches, low=low,
                           high=high, next_stage=nxt, balance=svc.balance_due(o), today=clock.today(),
                           refund=svc.refund_for(s, o),
                           refund_pct=settings.get(s, "stores_demo.deposit_refund_pct"),
                           can_act=can(ORDERS))


def _order_for_action(order_id: int) -> StoresDemoCustomOrder:
    return get_or_404(StoresDemoCustomOrder, order_id, EDIT)


@bp.route("/custom-orders/<int:order_id>/deposit", methods=["POST"])
@permission_required(ORDERS)
def custom_order_deposit(order_id: int):
    o = _order_for_action(order_id)
    run(svc.take_deposit, o, request.form.get("amount"), current_user,
        method=request.form.get("method") or "bank", reference=request.form.get("reference") or "",
        ok=_("Deposit received and posted to the customer's account."))
    return back("stores_demo.custom_order", order_id=o.id)


@bp.route("/custom-orders/<int:order_id>/stage", methods=["POST"])
@permission_required(ORDERS)
def custom_order_stage(order_id: int):
    o = _order_for_action(order_id)
    run(svc.advance, o, request.form.get("stage", ""), current_user, ok=_("Stage updated."))
    return back("stores_demo.custom_order", order_id=o.id)


@bp.route("/custom-orders/<int:order_id>/deliver", methods=["POST"])
@permission_required(ORDERS)
def custom_order_deliver(order_id: int):
    o = _order_for_action(order_id)
    run(svc.deliver, o, request.form.get("actual_weight"), current_user,
        ok=_("Delivered; the balance is invoiced."))
    return back("stores_demo.custom_order", order_id=o.id)


@bp.route("/custom-orders/<int:order_id>/cancel", methods=["POST"])
@permission_required(ORDERS)
def custom_order_cancel(order_id: int):
    o = _order_for_action(order_id)
    run(svc.cancel, o, current_user, ok=_("Custom order cancelled; a paid deposit is refunded as the settings say."))
    return back("stores_demo.custom_order", order_id=o.id)


@bp.route("/custom-orders/<int:order_id>/sketch", methods=["POST"])
@permission_required(ORDERS)
def custom_order_sketch(order_id: int):
    o = _order_for_action(order_id)
    f = request.files.get("file")
    if f is None or not f.filename:
        from flask import flash

        flash(_("Choose a file to upload."), "error")
        return back("stores_demo.custom_order", order_id=o.id)

    def save(s):
        from core.attachments import save as save_attachment

        return save_attachment(s, f.stream, f.filename, res_table=StoresDemoCustomOrder.__tablename__,
                               res_id=o.id, purpose=SKETCH, org_unit_id=o.customer.org_unit_id,
                               user_id=current_user.id)

    run(save, ok=_("Design sketch attached."))
    return back("stores_demo.custom_order", order_id=o.id)
