"""After-sale services (cleaning, maintenance, repair, appraisal, trade-in,
buy-back) and the history of one certificate number."""
from __future__ import annotations

from datetime import date

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT
from core.models import Attachment
from core.web.actions import back, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from plugins.customers.api import customer_ids_for

from ..declarations import ORDERS, VIEW
from ..models.after_sale import SERVICE_KINDS, SERVICE_STATES, StoresDemoService
from ..models.pieces import METALS, StoresDemoPiece
from ..services import after_sale as svc
from . import bp
from .pieces import customer_or_404

PAGE = 50
PHOTO = "condition_photo"


@bp.route("/services")
@permission_required(VIEW)
def services():
    s = db_session()
    kind = request.args.get("kind", "")
    state = request.args.get("state", "")
    stmt = web_scoped_select(StoresDemoService)
    if kind in SERVICE_KINDS:
        stmt = stmt.where(StoresDemoService.kind == kind)
    if state in SERVICE_STATES:
        stmt = stmt.where(StoresDemoService.state == state)
    page = page_arg()
    rows = s.execute(stmt.order_by(StoresDemoService.received_on.desc(), StoresDemoService.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return render_template("stores_demo/after_sale_list.html", rows=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, kind=kind, state=state, kinds=SERVICE_KINDS, states=SERVICE_STATES,
                           can_act=can(ORDERS))


@bp.route("/services/new", methods=["GET", "POST"])
@permission_required(ORDERS)
def service_new():
    if request.method == "POST":
        c = customer_or_404(request.form.get("customer_id"))
        row, ok = run(svc.take_in, c.id, request.form.to_dict(), current_user, ok=_("Service recorded."))
        if ok:
            return back("stores_demo.service", service_id=row.id)
    return render_template("stores_demo/after_sale_form.html",
                           kinds=SERVICE_KINDS, metals=METALS, data=request.form,
                           kind=request.values.get("kind", "cleaning"))


@bp.route("/services/<int:service_id>")
@permission_required(VIEW)
def service(service_id: int):
    s = db_session()
    r = get_or_404(StoresDemoService, service_id)
    photos = s.execute(select(Attachment).where(Attachment.res_table == StoresDemoService.__tablename__,
                                                Attachment.res_id == str(r.id))
                       .order_by(Attachment.id)).scalars().all()
    piece = s.get(StoresDemoPiece, r.piece_id) if r.piece_id else None
    return render_template("stores_demo/after_sale_detail.html", r=r, photos=photos, piece=piece,
                           can_act=can(ORDERS))


@bp.route("/services/<int:service_id>/<any(approve,ready,returned,finish):step>", methods=["POST"])
@permission_required(ORDERS)
def service_step(service_id: int, step: str):
    r = get_or_404(StoresDemoService, service_id, EDIT)
    if step == "approve":
        run(svc.approve, r, current_user, ok=_("The customer approved the estimate."))
    elif step == "ready":
        run(svc.mark_ready, r, current_user, ok=_("Ready: the customer is told to collect it."))
    elif step == "returned":
        run(svc.give_back, r, current_user, ok=_("Returned to the customer."))
    else:
        run(svc.finish, r, request.form.get("finding"), current_user,
            method=request.form.get("method") or "bank", ok=_("Closed."))
    return back("stores_demo.service", service_id=r.id)


@bp.route("/services/<int:service_id>/photo", methods=["POST"])
@permission_required(ORDERS)
def service_photo(service_id: int):
    r = get_or_404(StoresDemoService, service_id, EDIT)
    f = request.files.get("file")
    if f is None or not f.filename:
        flash(_("Choose a file to upload."), "error")
        return back("stores_demo.service", service_id=r.id)

    def save(s):
        from core.attachments import save as save_attachment

        return save_attachment(s, f.stream, f.filename, res_table=StoresDemoService.__tablename__,
                               res_id=r.id, purpose=PHOTO, org_unit_id=r.customer.org_unit_id,
                               user_id=current_user.id)

    run(save, ok=_("Photo attached."))
    return back("stores_demo.service", service_id=r.id)


@bp.route("/certificates/<path:certificate_no>")
@permission_required(VIEW)
def certificate_history(certificate_no: str):
    s = db_session()
    cert = certificate_no.strip().upper()[:40]
    piece = s.scalar(select(StoresDemoPiece).where(StoresDemoPiece.certificate_no == cert))
    events = svc.certificate_history(s, cert, customer_ids_for(current_user))
    return render_template("stores_demo/after_sale_history.html", cert=cert, piece=piece, events=events)
