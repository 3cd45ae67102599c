"""Sample units: register, transfers, monthly counts, discrepancies, sale;
returned and repair units."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT
from core.money import figures
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import ReturnedUnit, SampleCount, SampleCountLine, SampleTransfer, SampleUnit, DealerTerminal
from ..models.samples import COUNT_RESULTS, ON_REGISTER, RETURN_KINDS, RU_STATES, SAMPLE_STATES
from ..declarations import PRICE_APPROVE, SAMPLE, SAMPLE_SELL, VIEW
from ..services import samples as svc
from ..services.common import period_of
from . import bp
from .common import (
    PAGE,
    posted_dealer,
    posted_product,
    terminal_or_404,
)
from core import clock


@bp.route("/samples")
@permission_required(VIEW)
def samples():
    s = db_session()
    state = request.args.get("state") or "register"
    stmt = web_scoped_select(SampleUnit)
    if state == "register":
        stmt = stmt.where(SampleUnit.state.in_(ON_REGISTER))
    elif state in SAMPLE_STATES:
        stmt = stmt.where(SampleUnit.state == state)
    page = page_arg()
    rows = s.execute(stmt.order_by(SampleUnit.customer_id, SampleUnit.terminal_id, SampleUnit.serial_no)
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    terminals = s.execute(web_scoped_select(DealerTerminal, EDIT).where(DealerTerminal.active.is_(True))
                          .order_by(DealerTerminal.name)).scalars().all()
    return render_template("dealers/samples.html", samples=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, state=state, states=SAMPLE_STATES, terminals=terminals,
                           can_edit=can(SAMPLE), today=clock.today())


@bp.route("/samples/new", methods=["POST"])
@permission_required(SAMPLE)
def sample_new():
    t = terminal_or_404(request.form.get("terminal_id", type=int) or 0, EDIT)
    product = posted_product(request.form.get("product_id"), any_state=True)
    run(svc.register_sample, t, product, serial_no=request.form.get("serial_no", ""),
        placed_on=request.form.get("placed_on"), note=request.form.get("note") or None,
        ok=_("Sample unit registered."))
    return back("dealers.samples")


@bp.route("/samples/<int:sample_id>")
@permission_required(VIEW)
def sample(sample_id: int):
    s = db_session()
    u = get_or_404(SampleUnit, sample_id)
    transfers = s.execute(select(SampleTransfer).where(SampleTransfer.sample_id == u.id)
                          .order_by(SampleTransfer.transferred_on)).scalars().all()
    counts = s.execute(select(SampleCountLine).join(SampleCount).where(SampleCountLine.sample_id == u.id)
                       .order_by(SampleCount.count_date.desc())).scalars().all()
    terminals = s.execute(web_scoped_select(DealerTerminal, EDIT).where(
        DealerTerminal.active.is_(True), DealerTerminal.id != u.terminal_id).order_by(DealerTerminal.name)).scalars().all()
    return render_template("dealers/sample.html", u=u, transfers=transfers, counts=counts,
                           terminals=terminals, can_edit=can(SAMPLE), can_sell=can(SAMPLE_SELL), can_approve=can(PRICE_APPROVE),
                           today=clock.today())


@bp.route("/samples/<int:sample_id>/transfer", methods=["POST"])
@permission_required(SAMPLE)
def sample_transfer(sample_id: int):
    u = get_or_404(SampleUnit, sample_id, EDIT)
    to = terminal_or_404(request.form.get("to_terminal_id", type=int) or 0, EDIT)
    run(svc.transfer_sample, u, to, current_user, reason=request.form.get("reason", ""),
        transferred_on=request.form.get("transferred_on"), ok=_("Transfer recorded."))
    return back("dealers.sample", sample_id=u.id)


@bp.route("/samples/<int:sample_id>/sell", methods=["POST"])
@permission_required(SAMPLE_SELL)
def sample_sell(sample_id: int):
    u = get_or_404(SampleUnit, sample_id, EDIT)
    unit, done = run(svc.sell_sample, u, current_user, price=request.form.get("price"),
                     sold_on=request.form.get("sold_on"))
    if done:
        if unit.sale_pending:
            flash(_("Below the floor price (%(floor)s): the sale waits for a manager's approval; "
                    "nothing is invoiced yet.", floor=figures(unit.product.floor_price)), "warning")
        else:
            flash(_("Sample sold and invoiced."), "success")
    return back("dealers.sample", sample_id=u.id)


@bp.route("/samples/<int:sample_id>/approve-sale", methods=["POST"])
@permission_required(PRICE_APPROVE)
def sample_approve_sale(sample_id: int):
    u = get_or_404(SampleUnit, sample_id, EDIT)
    run(svc.approve_sample_sale, u, current_user, reason=request.form.get("reason", ""),
        ok=_("Below-floor sale approved; the unit is sold and invoiced."))
    return back("dealers.sample", sample_id=u.id)


@bp.route("/samples/<int:sample_id>/refuse-sale", methods=["POST"])
@permission_required(PRICE_APPROVE)
def sample_refuse_sale(sample_id: int):
    u = get_or_404(SampleUnit, sample_id, EDIT)
    run(svc.refuse_sample_sale, u, current_user, reason=request.form.get("reason", ""),
        ok=_("Below-floor sale refused; the unit stays on display."))
    return back("dealers.sample", sample_id=u.id)


@bp.route("/samples/<int:sample_id>/withdraw", methods=["POST"])
@permission_required(SAMPLE)
def sample_withdraw(sample_id: int):
    u = get_or_404(SampleUnit, sample_id, EDIT)
    run(svc.withdraw_sample, u, reason=request.form.get("reason", ""), ok=_("Sample withdrawn."))
    return back("dealers.sample", sample_id=u.id)


@bp.route("/terminals/<int:terminal_id>/count", methods=["GET", "POST"])
@permission_required(SAMPLE)
def sample_count_new(terminal_id: int):
    s = db_session()
    t = terminal_or_404(terminal_id, EDIT)
    units = s.execute(select(SampleUnit).where(SampleUnit.terminal_id == t.id,
                                               SampleUnit.state.in_(ON_REGISTER))
                      .order_by(SampleUnit.serial_no)).scalars().all()
    if request.method == "POST":
        results = {u.id: (request.form.get(f"result_{u.id}", ""), request.form.get(f"note_{u.id}", ""))
                   for u in units if request.form.get(f"result_{u.id}")}
        count, ok = run(svc.record_count, t, current_user, count_date=request.form.get("count_date"),
                        results=results, note=request.form.get("note") or None,
                        ok=_("Count recorded."))
        return back("dealers.terminal", terminal_id=t.id) if ok else back(
            "dealers.sample_count_new", terminal_id=t.id)
    return render_template("dealers/sample_count.html", t=t, units=units, results=COUNT_RESULTS,
                           today=clock.today())


@bp.route("/samples/discrepancies")
@permission_required(VIEW)
def sample_discrepancies():
    s = db_session()
    rows = s.execute(svc.discrepancies(s, current_user)).scalars().all()
    return render_template("dealers/sample_discrepancies.html", rows=rows, can_edit=can(SAMPLE))


@bp.route("/samples/discrepancies/<int:line_id>/resolve", methods=["POST"])
@permission_required(SAMPLE)
def sample_resolve(line_id: int):
    line = get_or_404(SampleCountLine, line_id, EDIT)
    run(svc.resolve_discrepancy, line, current_user, resolution=request.form.get("resolution", ""),
        ok=_("Resolved."))
    return back("dealers.sample_discrepancies")


@bp.route("/samples/uncounted")
@permission_required(VIEW)
def sample_uncounted():
    s = db_session()
    period = request.args.get("period") or period_of(clock.today())
    if len(period) != 7:
        abort(400)
    rows = s.execute(svc.uncounted_terminals(s, current_user, period)).scalars().all()
    return render_template("dealers/sample_uncounted.html", rows=rows, period=period)


# -- returned and repair units ------------------------------------------------------
@bp.route("/returns")
@permission_required(VIEW)
def returns():
    s = db_session()
    today = clock.today()
    aging = svc.returned_aging(s, current_user, today)
    closed = s.execute(web_scoped_select(ReturnedUnit).where(ReturnedUnit.closed_on.is_not(None))
                       .order_by(ReturnedUnit.closed_on.desc()).limit(30)).scalars().all()
    from ..services.common import setting

    return render_template("dealers/returns.html", aging=aging, closed=closed, kinds=RETURN_KINDS,
                           states=RU_STATES,
                           can_edit=can(SAMPLE), today=today, limit=setting(s, "returned_unit_max_days"))


@bp.route("/returns/new", methods=["POST"])
@permission_required(SAMPLE)
def return_new():
    customer = posted_dealer(request.form.get("customer_id"), EDIT)
    product = posted_product(request.form.get("product_id"), any_state=True)
    run(svc.register_returned, customer, product, kind=request.form.get("kind", ""),
        received_on=request.form.get("received_on"), serial_no=request.form.get("serial_no", ""),
        fault=request.form.get("fault", ""), note=request.form.get("note") or None, ok=_("Saved."))
    return back("dealers.returns")


@bp.route("/returns/<int:unit_id>/state", methods=["POST"])
@permission_required(SAMPLE)
def return_state(unit_id: int):
    u = get_or_404(ReturnedUnit, unit_id, EDIT)
    run(svc.advance_returned, u, request.form.get("state", ""), on=request.form.get("on"),
        note=request.form.get("note") or None, ok=_("Saved."))
    return back("dealers.returns")
