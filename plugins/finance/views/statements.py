"""Monthly statements: list, preview, issue (PDF archived), the customer's
answer, disputes, and the month-end batch for an org unit."""
from __future__ import annotations

from contextlib import contextmanager
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from core.i18n import current_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import AccessDenied
from core.models import OrgUnit
from core.services import ServiceError
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404, scoped_select
from core.web.actions import back, page_arg, run_action as run
from plugins.customers.api import Customer

from ..models import Statement, StatementDispute
from ..models.statements import ANSWER_STATES
from ..services import statements as svc
from . import bp
from .common import customer_or_404, posted_customer, int_arg, paged


def _locale(value: str | None = None) -> str:
    if value in ("zh_CN", "en"):
        return value
    return current_locale()


def _doc_locale(value: str | None = None) -> str:
    """The language a statement is issued in: as chosen, else the setting."""
    if value in ("zh_CN", "en"):
        return value
    from ..services import settings_of

    return settings_of(db_session(), "finance.statement_locale")


@bp.route("/statements")
@permission_required("finance.view")
def statements():
    s = db_session()
    stmt = scoped_select(Statement).join(Customer, Customer.id == Statement.customer_id)
    period = (request.args.get("period") or "").strip()
    if period:
        stmt = stmt.where(Statement.period == period)
    answer = request.args.get("answer") or ""
    if answer in ANSWER_STATES:
        stmt = stmt.where(Statement.answer == answer)
    cid = int_arg("customer_id")
    if cid:
        stmt = stmt.where(Statement.customer_id == cid)
    page = page_arg()
    rows, has_next = paged(stmt.order_by(Statement.period.desc(), Customer.code), page)
    units = s.execute(select(OrgUnit).where(OrgUnit.active.is_(True)).order_by(OrgUnit.path)
                      ).scalars().all()
    return render_template("finance/statements.html", rows=rows, has_next=has_next, page=page,
                           period=period, answer=answer, answers=ANSWER_STATES,
                           default_period=svc.previous_period(),
                           units=units, can_issue=can("finance.statement_issue"),
                           doc_locale=_doc_locale())


@bp.route("/statements/preview")
@permission_required("finance.view")
def statement_preview():
    if not (request.args.get("customer_id") or "").strip():
        flash(_("Choose a customer."), "error")
        return redirect(url_for("finance.statements", period=request.args.get("period") or None))
    c = customer_or_404(request.args.get("customer_id"))
    period = request.args.get("period") or svc.previous_period()
    try:
        data = svc.statement_data(db_session(), c.id, period, locale=_locale())
    except ServiceError as e:
        flash(str(e), "error")
        return back("finance.statements")
    existing = db_session().scalar(select(Statement).where(
        Statement.customer_id == c.id, Statement.period == period))
    return render_template("finance/statement.html", data=data, st=existing, preview=True,
                           can_issue=can("finance.statement_issue"), doc_locale=_doc_locale())


@contextmanager
def _request_scope():
    """A unit of work on the request's session (it names the signed-in user
    in the audit): commit on success, roll back on error."""
    s = db_session()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise


@bp.route("/statements/issue", methods=["POST"])
@permission_required("finance.statement_issue")
def statement_issue():
    cid = posted_customer(request.form.get("customer_id")).id
    period = (request.form.get("period") or "").strip()
    locale = _doc_locale(request.form.get("locale"))
    try:
        st_id = svc.issue_statement(_request_scope, cid, period, current_user.id, locale)
    except svc.NotVisible:
        abort(404)
    except (ServiceError, AccessDenied) as e:
        flash(_("You do not have permission to do this.") if isinstance(e, AccessDenied)
              else str(e), "error")
        return back("finance.statements")
    flash(_("Statement issued and archived."), "success")
    return back("finance.statement", statement_id=st_id)


@bp.route("/statements/<int:statement_id>")
@permission_required("finance.view")
def statement(statement_id: int):
    st = get_or_404(Statement, statement_id)
    data = svc.statement_data(db_session(), st.customer_id, st.period, locale=_locale(),
                              statement=st)
    return render_template("finance/statement.html", data=data, st=st, preview=False,
                           can_issue=can("finance.statement_issue"),
                           can_answer=can("finance.statement_answer"),
                           can_resolve=can("finance.dispute_resolve"), doc_locale=_doc_locale())


@bp.route("/statements/<int:statement_id>/pdf")
@permission_required("finance.view")
def statement_pdf(statement_id: int):
    """The archived copy that was sent (same bytes every time)."""
    from core import documents

    st = get_or_404(Statement, statement_id)
    if st.document_id is None:
        abort(404)
    s = db_session()
    doc = s.get(documents.IssuedDocument, st.document_id)
    if doc is None:
        abort(404)
    try:
        data = documents.read_pdf(s, doc)
    except documents.DocumentError as e:
        flash(str(e), "error")
        return back("finance.statement", statement_id=st.id)
    resp = send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=doc.filename, etag=doc.sha256, max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.route("/statements/<int:statement_id>/answer", methods=["POST"])
@permission_required("finance.statement_answer")
def statement_answer(statement_id: int):
    st = get_or_404(Statement, statement_id)
    f = request.form
    disputes = []
    for key in f:
        if key.startswith("dispute_") and f.get(key):
            raw = key.split("_", 1)[1]
            entry_id = None if raw == "other" else int(raw) if raw.isdigit() else -1
            disputes.append((entry_id, f.get(f"note_{raw}", "")))
    from .common import optional_day

    def answer(s):
        scan_id = None
        upload = request.files.get("scan")
        if upload is not None and upload.filename:
            from core.attachments import save

            scan_id = save(s, upload.stream, upload.filename, res_table="finance_statement",
                           res_id=st.id, purpose="answer", user_id=current_user.id,
                           org_unit_id=st.customer.org_unit_id).id
        return svc.record_answer(s, st, answer=f.get("answer", ""), note=f.get("note", ""),
                                 disputes=disputes, by_name=f.get("by_name", ""),
                                 answered_on=optional_day(f.get("answered_on")), user=current_user,
                                 scan_id=scan_id)

    run(answer, ok=_("The customer's answer is recorded."))
    return back("finance.statement", statement_id=st.id)


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@permission_required("finance.dispute_resolve")
def dispute_resolve(dispute_id: int):
    d = get_or_404(StatementDispute, dispute_id)
    correction = None
    number = (request.form.get("correction") or "").strip()
    if number:
        from ..models import Entry

        correction = db_session().scalar(select(Entry.id).where(Entry.number == number))
        if correction is None:
            flash(_("No entry %(number)s.", number=number), "error")
            return back("finance.statement", statement_id=d.statement_id)
    run(svc.resolve_dispute, d, resolution=request.form.get("resolution", ""), user=current_user,
        correction_entry_id=correction, ok=_("Dispute resolved."))
    return back("finance.statement", statement_id=d.statement_id)


@bp.route("/statements/batch", methods=["POST"])
@permission_required("finance.statement_issue")
def statement_batch():
    """Month-end: every statement of an org unit as a background job → ZIP."""
    from core import jobs

    from ..batch import start_statement_batch

    s = db_session()
    unit_id = request.form.get("org_unit_id", type=int)
    unit = s.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        abort(400)
    period = (request.form.get("period") or "").strip()
    job, ok = run(start_statement_batch, period, unit.id, current_user,
                  locale=_doc_locale(request.form.get("locale")))
    if not ok:
        return back("finance.statements")
    jobs.dispatch(s.ext, job.id)
    return back("jobs.detail", job_id=job.id)
