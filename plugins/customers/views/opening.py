"""Account-opening pages: start, upload the four documents, submit, approve
or reject."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT
from core.models import User
from core.web.actions import back, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session
from core.web.request import scoped_select as web_scoped_select

from ..services import opening
from ..forms import EmptyForm, ReasonForm, UploadForm
from ..models import SUBMITTED, Application, Customer
from ..declarations import APPROVE, EDIT as P_EDIT, VIEW
from . import bp
from .common import child_or_404, form_errors, writable


@bp.route("/<int:customer_id>/application", methods=["POST"])
@permission_required(P_EDIT)
def application_start(customer_id):
    c = writable(customer_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    app_row, ok = run_action(opening.start, c)
    if not ok:
        return back("customers.detail", customer_id=c.id)
    return back("customers.application", application_id=app_row.id)


@bp.route("/applications/<int:application_id>")
@permission_required(VIEW)
def application(application_id):
    s = db_session()
    app_row = child_or_404(Application, application_id)
    docs = opening.documents(s, app_row)
    upload = UploadForm()
    upload.purpose.choices = [(k, str(v)) for k, v in opening.document_labels().items()]
    users = {u.id: u for u in s.scalars(select(User).where(
        User.id.in_([i for i in (app_row.submitted_by, app_row.decided_by) if i])))}
    return render_template(
        "customers/application.html", a=app_row, c=app_row.customer, docs=docs,
        labels=opening.document_labels(), states=opening.state_labels(),
        missing=opening.missing_documents(s, app_row), upload=upload, form=EmptyForm(),
        reason_form=ReasonForm(), users=users,
        may_decide=(app_row.state == SUBMITTED and can(APPROVE)
                    and opening.may_approve(s, current_user, app_row.customer)),
        can_edit=can(P_EDIT) and not current_user.read_only)


def _writable_app(application_id) -> Application:
    app_row = child_or_404(Application, application_id, EDIT)
    writable(app_row.customer_id)
    return app_row


@bp.route("/applications/<int:application_id>/upload", methods=["POST"])
@permission_required(P_EDIT)
def application_upload(application_id):
    app_row = _writable_app(application_id)
    form = UploadForm()
    form.purpose.choices = [(k, k) for k in opening.DOCUMENTS]
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("customers.application", application_id=app_row.id)), 303
    f = form.file.data
    run_action(opening.upload, app_row, form.purpose.data, f.stream, f.filename, current_user.id,
               ok=_("Document uploaded."))
    return back("customers.application", application_id=app_row.id)


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@permission_required(P_EDIT)
def application_submit(application_id):
    app_row = _writable_app(application_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    run_action(opening.submit, app_row, current_user, ok=_("Application submitted for approval."))
    return back("customers.application", application_id=app_row.id)


@bp.route("/applications/<int:application_id>/approve", methods=["POST"])
@permission_required(APPROVE)
def application_approve(application_id):
    app_row = _writable_app(application_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    run_action(opening.approve, app_row, current_user,
               ok=_("Account opened: %(name)s is now an active customer.",
                    name=app_row.customer.name))
    return redirect(url_for("customers.application", application_id=app_row.id)), 303


@bp.route("/applications/<int:application_id>/reject", methods=["POST"])
@permission_required(APPROVE)
def application_reject(application_id):
    app_row = _writable_app(application_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the rejection."), "error")
        return redirect(url_for("customers.application", application_id=app_row.id)), 303
    run_action(opening.reject, app_row, current_user, form.reason.data, ok=_("Application rejected."))
    return back("customers.application", application_id=app_row.id)


@bp.route("/applications")
@permission_required(APPROVE)
def applications():
    """Submitted applications waiting for this manager."""
    s = db_session()
    rows = s.scalars(web_scoped_select(Application)
                     .join(Customer, Customer.id == Application.customer_id)
                     .where(Application.state == SUBMITTED)
                     .order_by(Application.submitted_at)).all()
    rows = [a for a in rows if opening.may_approve(s, current_user, a.customer)]
    missing = {a.id: opening.missing_documents(s, a) for a in rows}
    return render_template("customers/applications.html", rows=rows, missing=missing,
                           labels=opening.document_labels())
