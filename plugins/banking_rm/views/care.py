"""After-sale care pages: maturities and their calls, yield alerts, the care
calendar, check-ups, value-improvement plans, gifts and approvals."""
from __future__ import annotations

from datetime import date

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT
from core.models import User
from core.privacy import mask
from core.web.actions import back, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from plugins.customers.api import Customer, customer_ids_for

from ..declarations import APPROVE_ABOVE, SERVE, SUPERVISE, VIEW
from ..models.care import OUTCOMES, BankCareTask
from ..services import maturities as mat
from . import bp
from core import clock


def _manager_arg() -> int | None:
    return request.args.get("manager", type=int) or None


def managers() -> list[tuple[int, str]]:
    """The managers owning customers the user sees (the per-manager filter)."""
    s = db_session()
    rows = s.execute(select(User.id, User.full_name, User.username)
                     .where(User.id.in_(select(Customer.owner_id)
                                        .where(Customer.id.in_(customer_ids_for(current_user)))))
                     .order_by(User.username)).all()
    return [(i, f or u) for i, f, u in rows]


# -- maturities ------------------------------------------------------------------
@bp.route("/maturities")
@permission_required(VIEW)
def maturities():
    s = db_session()
    today = clock.today()
    days = mat.horizon(s, request.args.get("days"))
    manager = _manager_arg()
    rows = s.execute(mat.maturing(current_user, today, days, manager).limit(500)).all()
    items = [dict(r._mapping, phone=mask(r.phone, "phone")) for r in rows]
    count, amount = mat.total(s, current_user, today, days, manager)
    return render_template("banking_rm/care_maturities.html", items=items, days=days, count=count,
                           amount=amount, weeks=mat.by_week(s, current_user, today, days, manager),
                           outcomes=OUTCOMES, managers=managers(), manager=manager,
                           can_serve=can(SERVE), today=today,
                           done=mat.outcome_counts(s, current_user, today.replace(day=1)))


@bp.route("/maturities.xlsx")
@permission_required(VIEW)
def maturities_export():
    """The maturities list as shown (days ahead, manager), as Excel: the
    user's customers only, text cells neutralised against formulas
    (``core.spreadsheets``), the mobile masked unless the user may reveal
    personal data — then the export is audited as a reveal."""
    from io import BytesIO

    from flask import send_file
    from openpyxl import Workbook

    from core import privacy, spreadsheets

    s = db_session()
    today = clock.today()
    days = mat.horizon(s, request.args.get("days"))
    manager = _manager_arg()
    rows = s.execute(mat.maturing(current_user, today, days, manager).limit(EXPORT_MAX)).all()
    shown = privacy.disclosure(s, current_user, table=Customer.__tablename__, fields=("phone",),
                               purpose="banking_rm maturities export")
    names = dict(managers())
    labels = care_labels()
    from ..services.holdings import KIND_LABELS

    wb = Workbook()
    ws = wb.active
    ws.title = _("Maturities")[:31]
    spreadsheets.append(ws, [_("Matures on"), _("Customer number"), _("Customer"), _("Mobile"), _("Manager"),
                             _("Product kind"), _("Product"), _("Amount"), _("Yield (% a year)"), _("Call"),
                             _("Outcome")])
    for r in rows:
        spreadsheets.append(ws, [
            r.maturity_on, r.code, r.name, shown(r.phone, "phone"), names.get(r.owner_id, ""),
            str(KIND_LABELS.get(r.kind, r.kind)), r.product_name, r.amount,
            r.yield_rate * 100 if r.yield_rate is not None else None,
            str(labels.get(r.task_status, "")) if r.task_status else "",
            str(labels.get(r.outcome, "")) if r.outcome else ""])
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = "yyyy-mm-dd"
        row[7].number_format = "#,##0.00"
        row[8].number_format = "0.00"
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    s.commit()  # the audit row of a clear export
    return send_file(buf, as_attachment=True, download_name=f"maturities-{today.isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


#: most rows in one export (the page shows 500)
EXPORT_MAX = 50_000


@bp.route("/maturities/tasks", methods=["POST"])
@permission_required(SERVE)
def maturity_tasks():
    s = db_session()
    days = mat.horizon(s, request.form.get("days"))
    n, ok = run(mat.make_call_tasks, current_user, clock.today(), days)
    if ok:
        flash(_("%(n)s call tasks made.", n=n), "success")
    return back("banking_rm.maturities", days=days)


@bp.route("/care/tasks/<int:task_id>/call", methods=["POST"])
@permission_required(SERVE)
def maturity_call(task_id: int):
    t = get_or_404(BankCareTask, task_id, EDIT)
    run(mat.log_call, t, current_user, outcome=request.form.get("outcome", ""),
        note=request.form.get("note"), ok=_("Call logged."))
    return back("banking_rm.maturities", days=request.form.get("days") or None)




def care_labels() -> dict:
    from core.i18n import _l

    return {
        "renewed": _l("Renewed"), "moved": _l("Moved to another product"), "withdrawn": _l("Withdrawn by the customer"),
        "unreachable": _l("Unreachable"), "open": _l("Still to do"), "done": _l("Done"),
        "draft": _l("Draft"), "submitted": _l("Submitted"), "approved": _l("Approved"),
        "returned": _l("Returned"), "pending": _l("Pending"), "rejected": _l("Rejected"),
        "discount": _l("Discount"), "expense": _l("Expense"), "manager": _l("Wealth manager"),
        "head": _l("Branch head"), "maturity": _l("Maturity call"), "birthday": _l("Birthday"),
        "date": _l("Special date"), "checkup": _l("Check-up"), "festival": _l("Festival"),
        "wealth": _l("Wealth product"), "fund": _l("Fund"),
    }


@bp.app_template_global("care_label")
def _care_label(code) -> str:
    return str(care_labels().get(code, code or ""))


# -- yield alerts ----------------------------------------------------------------
@bp.route("/yields")
@permission_required(VIEW)
def yield_alerts():
    from ..services import yields

    s = db_session()
    manager = _manager_arg()
    show_all = request.args.get("all") == "1"
    stmt = yields.watched(current_user, manager) if show_all else yields.alerts(s, current_user, manager)
    rows = s.execute(stmt.limit(300)).all()
    from ..services.care_inputs import setting

    return render_template("banking_rm/care_yields.html", rows=rows, manager=manager, managers=managers(),
                           show_all=show_all, floor=setting(s, "yield_floor"), can_serve=can(SERVE))


@bp.route("/holdings/<int:holding_id>/watch", methods=["POST"])
@permission_required(SERVE)
def holding_watch(holding_id: int):
    from ..models.clients import BankHolding
    from ..services import yields

    h = get_or_404(BankHolding, holding_id, EDIT)
    run(yields.set_watch, h, current_user, floor=request.form.get("floor"),
        expected=request.form.get("expected"), ok=_("Yield watch saved."))
    return back("banking_rm.yield_alerts", all=request.form.get("all") or None)


# -- care calendar ---------------------------------------------------------------
def greeting_templates() -> dict:
    """Message templates for greetings (the seed's 统一的短信模板)."""
    return {
        "birthday": _("Dear %(name)s, happy birthday! Everyone at the branch wishes you good health "
                      "and every success.", name="{name}"),
        "date": _("Dear %(name)s, congratulations on this special day from all of us at the branch.",
                  name="{name}"),
        "festival": _("Dear %(name)s, the branch wishes you and your family a happy holiday.", name="{name}"),
    }


@bp.route("/care")
@permission_required(VIEW)
def care_calendar():
    from ..services import calendar as care

    s = db_session()
    today = clock.today()
    days = care.horizon(s, request.args.get("days"))
    manager = _manager_arg()
    events = care.upcoming(s, current_user, today, days, manager)
    tasks = s.execute(care.open_tasks(current_user, today, days, manager).limit(300)).all()
    return render_template("banking_rm/care_calendar.html", events=events, days=days, today=today,
                           festivals=care.festival_overview(s, current_user, today, days), tasks=tasks,
                           manager=manager,
                           managers=managers(), templates=greeting_templates(), can_serve=can(SERVE))


@bp.route("/care/tasks", methods=["POST"])
@permission_required(SERVE)
def care_tasks_make():
    from ..services import calendar as care

    s = db_session()
    days = care.horizon(s, request.form.get("days"))
    n, ok = run(care.make_greeting_tasks, current_user, clock.today(), days)
    if ok:
        flash(_("%(n)s greeting tasks made.", n=n), "success")
    return back("banking_rm.care_calendar", days=days)


@bp.route("/care/festivals", methods=["POST"])
@permission_required(SERVE)
def festival_tasks_make():
    """A greeting task per customer for one festival, each for the customer's manager."""
    from ..services import calendar as care

    s = db_session()
    f = request.form
    days = care.horizon(s, f.get("days"))
    n, ok = run(care.make_festival_tasks, current_user, f.get("festival", ""), f.get("on"), clock.today(), days)
    if ok:
        flash(_("%(n)s festival greeting tasks made.", n=n) if n else
              _("Every customer already has a greeting task for this festival."), "success")
    return back("banking_rm.care_calendar", days=days)


@bp.route("/care/tasks/<int:task_id>/done", methods=["POST"])
@permission_required(SERVE)
def care_task_done(task_id: int):
    from ..services import calendar as care

    t = get_or_404(BankCareTask, task_id, EDIT)
    run(care.complete_task, t, current_user, note=request.form.get("note"), ok=_("Task done."))
    return back("banking_rm.care_calendar")


@bp.route("/care/dates", methods=["POST"])
@permission_required(SERVE)
def special_date_new():
    from ..services import calendar as care

    c = _customer_or_404(request.form.get("customer_id"))
    run(care.add_special_date, c, label=request.form.get("label"), on=request.form.get("on"),
        ok=_("Special date saved."))
    return back("banking_rm.care_calendar")


def _customer_or_404(raw, action: str = EDIT):
    """The customer a form chose with the record picker (code or id), one
    the user may ``action``; else a 404 page saying so."""
    from core.web.pickers import picked

    return picked("customers.customer", raw, action)


# -- check-ups -----------------------------------------------------------------------
@bp.route("/checkups")
@permission_required(VIEW)
def checkups():
    from ..services import checkups as svc

    s = db_session()
    today = clock.today()
    manager = _manager_arg()
    rows = s.execute(svc.overdue(s, current_user, today, manager).limit(300)).all()
    recent = s.execute(svc.recent(current_user)).all()
    return render_template("banking_rm/care_checkups.html", rows=rows, recent=recent, today=today,
                           months=svc.cell_months(s), manager=manager, managers=managers(),
                           can_serve=can(SERVE),
                           selected=request.args.get("customer", type=int))


@bp.route("/checkups/new", methods=["POST"])
@permission_required(SERVE)
def checkup_new():
    from ..services import checkups as svc

    c = _customer_or_404(request.form.get("customer_id"))
    run(svc.record, c, current_user, done_on=request.form.get("done_on"),
        findings=request.form.get("findings"), plan=request.form.get("plan"),
        follow_up_on=request.form.get("follow_up_on"), ok=_("Check-up recorded."))
    return back("banking_rm.checkups")


# -- value-improvement plans ---------------------------------------------------------
@bp.route("/plans")
@permission_required(VIEW)
def plans():
    from ..models.care import PLAN_STATES, BankValuePlan

    s = db_session()
    status = request.args.get("status") or ("submitted" if can(SUPERVISE) else "")
    stmt = (select(BankValuePlan, Customer.name, Customer.code)
            .join(Customer, Customer.id == BankValuePlan.customer_id)
            .where(BankValuePlan.customer_id.in_(customer_ids_for(current_user))))
    if status in PLAN_STATES:
        stmt = stmt.where(BankValuePlan.status == status)
    rows = s.execute(stmt.order_by(BankValuePlan.due_on, BankValuePlan.id).limit(300)).all()
    return render_template("banking_rm/care_plans.html", rows=rows, status=status, states=PLAN_STATES,
                           can_serve=can(SERVE),
                           today=clock.today())


@bp.route("/plans/new", methods=["POST"])
@permission_required(SERVE)
def plan_new():
    from ..services import plans as svc

    c = _customer_or_404(request.form.get("customer_id"))
    plan, ok = run(svc.create, c, current_user, aum_target=request.form.get("aum_target"),
                   products=request.form.get("products"), goals=request.form.get("goals"),
                   due_on=request.form.get("due_on"), ok=_("Plan saved as a draft."))
    return back("banking_rm.plan", plan_id=plan.id) if ok else back("banking_rm.plans")


@bp.route("/plans/<int:plan_id>")
@permission_required(VIEW)
def plan(plan_id: int):
    from ..models.care import BankValuePlan
    from ..services import plans as svc

    s = db_session()
    p = get_or_404(BankValuePlan, plan_id)
    c = s.get(Customer, p.customer_id)
    names = dict(s.execute(select(User.id, User.username).where(User.id.in_(
        [i for i in (p.user_id, p.reviewed_by) if i]))).all())
    return render_template("banking_rm/care_plan.html", p=p, c=c, aum=svc.current_aum(s, c.id), names=names,
                           can_serve=can(SERVE), can_review=can(SUPERVISE) and p.user_id != current_user.id)


@bp.route("/plans/<int:plan_id>/edit", methods=["POST"])
@permission_required(SERVE)
def plan_edit(plan_id: int):
    from ..models.care import BankValuePlan
    from ..services import plans as svc

    p = get_or_404(BankValuePlan, plan_id, EDIT)
    run(svc.edit, p, current_user, aum_target=request.form.get("aum_target"),
        products=request.form.get("products"), goals=request.form.get("goals"),
        due_on=request.form.get("due_on"), ok=_("Plan saved."))
    return back("banking_rm.plan", plan_id=plan_id)


@bp.route("/plans/<int:plan_id>/submit", methods=["POST"])
@permission_required(SERVE)
def plan_submit(plan_id: int):
    from ..models.care import BankValuePlan
    from ..services import plans as svc

    p = get_or_404(BankValuePlan, plan_id, EDIT)
    run(svc.submit, p, current_user, ok=_("Plan submitted to the branch head."))
    return back("banking_rm.plan", plan_id=plan_id)


@bp.route("/plans/<int:plan_id>/review", methods=["POST"])
@permission_required(SUPERVISE)
def plan_review(plan_id: int):
    from ..models.care import BankValuePlan
    from ..services import plans as svc

    p = get_or_404(BankValuePlan, plan_id, EDIT)
    run(svc.review, p, current_user, decision=request.form.get("decision", ""),
        comment=request.form.get("comment"), ok=_("Review saved."))
    return back("banking_rm.plan", plan_id=plan_id)


# -- gifts ---------------------------------------------------------------------------
@bp.route("/gifts")
@permission_required(VIEW)
def gifts():
    from ..models.campaigns import BankCampaign
    from ..services import gifts as svc
    from ..services.care_inputs import setting

    s = db_session()
    today = clock.today()
    campaigns = s.execute(select(BankCampaign.id, BankCampaign.name)
                          .where(BankCampaign.end_on >= today).order_by(BankCampaign.start_on)).all()
    return render_template("banking_rm/care_gifts.html", year=today.year, today=today,
                           totals=s.execute(svc.by_customer(current_user, today.year).limit(200)).all(),
                           recent=s.execute(svc.recent(current_user)).all(),
                           ceiling=setting(s, "gift_yearly_ceiling"), over=setting(s, "gift_approval_over"),
                           can_serve=can(SERVE), campaigns=campaigns)


@bp.route("/gifts/new", methods=["POST"])
@permission_required(SERVE)
def gift_new():
    from ..services import gifts as svc

    c = _customer_or_404(request.form.get("customer_id"))
    run(svc.give, c, current_user, item=request.form.get("item"), value=request.form.get("value"),
        given_on=request.form.get("given_on"), campaign_id=request.form.get("campaign_id"),
        note=request.form.get("note"), ok=_("Gift logged."))
    return back("banking_rm.gifts")


# -- discount and expense approvals --------------------------------------------------
@bp.route("/approvals")
@permission_required(VIEW)
def approvals():
    from ..models.care import REQUEST_STATES
    from ..services import approvals as svc

    s = db_session()
    status = request.args.get("status") or "pending"
    rows = s.execute(svc.listing(current_user, status).limit(300)).all()
    return render_template("banking_rm/care_approvals.html", rows=rows, status=status, states=REQUEST_STATES,
                           limits=svc.limits(s), can_serve=can(SERVE), can_above=can(APPROVE_ABOVE), me=current_user.id)


@bp.route("/approvals/new", methods=["POST"])
@permission_required(SERVE)
def approval_new():
    from ..services import approvals as svc

    c = _customer_or_404(request.form.get("customer_id"))
    run(svc.create, c, current_user, kind=request.form.get("kind", ""), subject=request.form.get("subject"),
        value=request.form.get("value"), reason=request.form.get("reason"), ok=_("Request saved."))
    return back("banking_rm.approvals")


@bp.route("/approvals/<int:request_id>/decide", methods=["POST"])
@permission_required(SERVE)
def approval_decide(request_id: int):
    from ..models.care import BankApproval
    from ..services import approvals as svc

    r = get_or_404(BankApproval, request_id, EDIT)
    run(svc.decide, r, current_user, decision=request.form.get("decision", ""),
        comment=request.form.get("comment"), ok=_("Decision saved."))
    return back("banking_rm.approvals")
