"""Events: the list, a new event, its invitation list (drawn by a filter),
replies, attendance and the attendees' follow-up tasks."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT, subtree_ids
from core.models import User
from core.web.actions import back, page_arg, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select
from plugins.customers.api import GRADES, Customer, kinds

from ..declarations import EVENTS, VIEW
from ..models.events import EVENT_KINDS, RSVPS, StoresDemoEvent, StoresDemoInvitation
from ..services import events as svc
from . import bp
from core import clock

PAGE = 30


@bp.route("/events")
@permission_required(VIEW)
def events():
    s = db_session()
    page = page_arg()
    rows = s.execute(scoped_select(StoresDemoEvent).order_by(StoresDemoEvent.held_on.desc(), StoresDemoEvent.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return render_template("stores_demo/events_list.html", events=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, kinds=EVENT_KINDS, can_edit=can(EVENTS), today=clock.today(),
                           form=request.form)


@bp.route("/events/new", methods=["POST"])
@permission_required(EVENTS)
def event_new():
    f = request.form
    ev, ok = run_action(svc.create_event, current_user, kind=f.get("kind", ""), title=f.get("title", ""),
                        held_on=f.get("held_on"), place=f.get("place", ""), note=f.get("note"),
                        ok=_("Event created: now draw its invitation list."))
    if not ok:
        return events()
    return back("stores_demo.event", event_id=ev.id)


@bp.route("/events/<int:event_id>")
@permission_required(VIEW)
def event(event_id: int):
    s = db_session()
    ev = get_or_404(StoresDemoEvent, event_id)
    invs = s.execute(select(StoresDemoInvitation, Customer.name, Customer.code)
                     .join(Customer, Customer.id == StoresDemoInvitation.customer_id)
                     .where(StoresDemoInvitation.event_id == ev.id)
                     .order_by(Customer.name, StoresDemoInvitation.id)).all()
    owners = s.execute(select(User.id, User.username).where(User.org_unit_id.in_(subtree_ids(current_user.org_unit_id)))
                       .order_by(User.username)).all() if can(EVENTS) else []
    counts = {r: sum(1 for i, _n, _c in invs if i.rsvp == r) for r in RSVPS}
    return render_template("stores_demo/events_detail.html", ev=ev, invs=invs, counts=counts,
                           attended=sum(1 for i, _n, _c in invs if i.attended),
                           kinds=kinds(s), grades=GRADES, owners=owners, rsvps=RSVPS,
                           can_edit=can(EVENTS), today=clock.today())


def _editable_event(event_id: int) -> StoresDemoEvent:
    return get_or_404(StoresDemoEvent, event_id, EDIT)


@bp.route("/events/<int:event_id>/invite", methods=["POST"])
@permission_required(EVENTS)
def event_invite(event_id: int):
    ev = _editable_event(event_id)
    f = request.form
    n, ok = run_action(svc.invite, ev, current_user, kind=f.get("kind") or None, grade=f.get("grade") or None,
                       owner_id=f.get("owner_id", type=int) or None)
    if ok:
        from flask import flash

        flash(_("%(n)s accounts invited.", n=n), "success")
    return back("stores_demo.event", event_id=ev.id)


@bp.route("/events/<int:event_id>/rsvp/<int:invitation_id>", methods=["POST"])
@permission_required(EVENTS)
def event_rsvp(event_id: int, invitation_id: int):
    ev = _editable_event(event_id)
    inv = db_session().get(StoresDemoInvitation, invitation_id)
    if inv is None or inv.event_id != ev.id:
        abort(404)
    run_action(svc.set_rsvp, inv, request.form.get("rsvp", ""), ok=_("Reply saved."))
    return back("stores_demo.event", event_id=ev.id)


@bp.route("/events/<int:event_id>/attendance", methods=["POST"])
@permission_required(EVENTS)
def event_attendance(event_id: int):
    ev = _editable_event(event_id)
    ids = request.form.getlist("attended", type=int)
    run_action(svc.record_attendance, ev, ids, ok=_("Attendance saved."))
    return back("stores_demo.event", event_id=ev.id)


@bp.route("/events/<int:event_id>/followups", methods=["POST"])
@permission_required(EVENTS)
def event_followups(event_id: int):
    ev = _editable_event(event_id)
    n, ok = run_action(svc.create_followups, ev, current_user)
    if ok:
        from flask import flash

        flash(_("%(n)s follow-up tasks created for the attendees' sellers.", n=n), "success")
    return back("stores_demo.event", event_id=ev.id)
