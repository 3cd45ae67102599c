"""Orders: list, slip, lines, price approval, confirmation, paper trail."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT
from core.services import ServiceError
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import DealerOrder, DealerOrderLine, DealerPriceList, ShipmentSerial
from ..models.orders import ORDER_STATES
from ..declarations import ORDER, PAPER, PRICE_APPROVE, VIEW
from ..services import orders as svc
from ..services import pressing
from . import bp
from .common import PAGE, dealer_or_404, product_or_404, upload, posted_dealer, posted_product
from core import clock


@bp.route("/orders")
@permission_required(VIEW)
def orders():
    s = db_session()
    state = request.args.get("state") or ""
    cid = request.args.get("customer_id", type=int)
    stmt = web_scoped_select(DealerOrder)
    if state in ORDER_STATES:
        stmt = stmt.where(DealerOrder.state == state)
    if cid:
        stmt = stmt.where(DealerOrder.customer_id == cid)
    page = page_arg()
    rows = s.execute(stmt.order_by(DealerOrder.order_date.desc(), DealerOrder.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return render_template("dealers/orders.html", orders=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, state=state, states=ORDER_STATES, can_order=can(ORDER),
                           customer_id=cid)


@bp.route("/orders/new", methods=["GET", "POST"])
@permission_required(ORDER)
def order_new():
    s = db_session()
    if request.method == "POST":
        customer = posted_dealer(request.form.get("customer_id"), EDIT)
        order, ok = run(svc.create_order, customer, current_user,
                        order_date=request.form.get("order_date"),
                        delivery_address=request.form.get("delivery_address", ""),
                        delivery_date=request.form.get("delivery_date"),
                        price_list_id=request.form.get("price_list_id") or None,
                        note=request.form.get("note") or None)
        if ok:
            return back("dealers.order", order_id=order.id)
        return back("dealers.order_new", customer_id=customer.id)
    lists = s.execute(select(DealerPriceList).where(DealerPriceList.active.is_(True))
                      .order_by(DealerPriceList.valid_from.desc())).scalars().all()
    return render_template("dealers/order_new.html",
                           customer_id=request.args.get("customer_id", type=int),
                           price_lists=lists, today=clock.today())


@bp.route("/orders/<int:order_id>")
@permission_required(VIEW)
def order(order_id: int):
    s = db_session()
    o = get_or_404(DealerOrder, order_id)
    from ..services.catalog import active_products

    serials = s.execute(select(ShipmentSerial).where(ShipmentSerial.order_id == o.id)
                        .order_by(ShipmentSerial.id)).scalars().all()
    try:
        warnings = pressing.order_warnings(s, o) if o.state == "draft" and o.lines else []
        season = pressing.season_of(s, o.order_date)
    except ServiceError as e:  # the season calendar setting is mistyped
        warnings, season = [str(e)], None
    return render_template("dealers/order.html", o=o, products=active_products(s), serials=serials,
                           warnings=warnings, season=season,
                           can_order=can(ORDER), can_approve=can(PRICE_APPROVE), can_paper=can(PAPER))


def _editable(order_id: int) -> DealerOrder:
    return get_or_404(DealerOrder, order_id, EDIT)


@bp.route("/orders/<int:order_id>/lines", methods=["POST"])
@permission_required(ORDER)
def order_line_add(order_id: int):
    o = _editable(order_id)
    product = posted_product(request.form.get("product_id"))
    run(svc.add_line, o, product, request.form.get("quantity"), request.form.get("discount_pct") or "0",
        request.form.get("unit_price") or None, ok=_("Line added."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/lines/<int:line_id>/delete", methods=["POST"])
@permission_required(ORDER)
def order_line_remove(order_id: int, line_id: int):
    o = _editable(order_id)
    line = get_or_404(DealerOrderLine, line_id, EDIT)
    if line.order_id != o.id:
        abort(404)
    run(svc.remove_line, o, line, ok=_("Line removed."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/approve", methods=["POST"])
@permission_required(PRICE_APPROVE)
def order_approve(order_id: int):
    o = _editable(order_id)
    run(svc.approve_below_floor, o, current_user, request.form.get("reason", ""),
        ok=_("Prices below the floor approved."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/confirm", methods=["POST"])
@permission_required(ORDER)
def order_confirm(order_id: int):
    o = _editable(order_id)
    run(svc.confirm_order, o, current_user, override_reason=request.form.get("override_reason"),
        ok=_("Order confirmed and invoiced."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@permission_required(ORDER)
def order_cancel(order_id: int):
    o = _editable(order_id)
    run(svc.cancel_order, o, request.form.get("reason", ""), ok=_("Order cancelled."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/signature", methods=["POST"])
@permission_required(PAPER)
def order_signature(order_id: int):
    o = _editable(order_id)

    def act(s):
        # Check first so a refused record leaves no stray file behind.
        svc.check_signature(o, signer=request.form.get("signer", ""),
                            signed_on=request.form.get("signed_on"), stamped="stamped" in request.form)
        att = upload("scan", res_table="dealers_order", res_id=o.id, purpose="signed_slip",
                     org_unit_id=o.customer.org_unit_id)
        svc.record_signature(s, o, signer=request.form.get("signer", ""),
                             signed_on=request.form.get("signed_on"),
                             stamped="stamped" in request.form, scan_id=att.id if att else None)

    run(act, ok=_("Signed slip recorded."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/invoice-delivered", methods=["POST"])
@permission_required(PAPER)
def order_invoice_delivered(order_id: int):
    o = _editable(order_id)
    run(svc.record_invoice_delivered, o, request.form.get("delivered_on"), ok=_("Saved."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/receipt", methods=["POST"])
@permission_required(PAPER)
def order_receipt(order_id: int):
    o = _editable(order_id)

    def act(s):
        svc.check_receipt(o, returned_on=request.form.get("returned_on"))
        att = upload("scan", res_table="dealers_order", res_id=o.id, purpose="receipt_slip",
                     org_unit_id=o.customer.org_unit_id)
        svc.record_receipt(s, o, returned_on=request.form.get("returned_on"),
                           scan_id=att.id if att else None)

    run(act, ok=_("Receipt slip recorded."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/<int:order_id>/shipment", methods=["POST"])
@permission_required(ORDER)
def order_shipment(order_id: int):
    o = _editable(order_id)
    serials = {}
    for line in o.lines:
        raw = request.form.get(f"serials_{line.id}", "")
        serials[line.id] = [x for x in raw.replace(",", "\n").replace("，", "\n").split("\n")]
    run(svc.record_shipment, o, serials, request.form.get("shipped_on"), ok=_("Shipment recorded."))
    return back("dealers.order", order_id=o.id)


@bp.route("/orders/paper-trail")
@permission_required(VIEW)
def paper_trail():
    s = db_session()
    today = clock.today()
    return render_template("dealers/paper_trail.html",
                           unsigned=s.execute(svc.overdue_signatures(s, current_user, today)).scalars().all(),
                           no_receipt=s.execute(svc.overdue_receipts(s, current_user, today)).scalars().all(),
                           today=today)


