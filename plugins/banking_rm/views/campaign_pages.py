"""Campaigns on the seven touchpoints: list with results, one campaign
(rules and script visible to every staff member), create and edit (head)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from flask_babel import gettext as _

from core.dates import parse_day
from core.services import ServiceError
from core.web.actions import back, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404

from ..declarations import SUPERVISE, VIEW
from ..models import BankCampaign
from ..models.campaigns import TOUCHPOINTS
from ..services import activity as act_svc
from ..services import touchpoints as svc
from . import bp
from core import clock


@bp.route("/campaigns")
@permission_required(VIEW)
def campaigns():
    s = db_session()
    rows = svc.campaigns(s)
    return render_template("banking_rm/campaigns_list.html", rows=rows,
                           results=svc.results(s, [c.id for c in rows]),
                           labels=svc.TOUCHPOINT_LABELS, can_edit=can(SUPERVISE), today=clock.today())


@bp.route("/campaigns/<int:campaign_id>")
@permission_required(VIEW)
def campaign(campaign_id: int):
    s = db_session()
    c = get_or_404(BankCampaign, campaign_id)
    return render_template("banking_rm/campaigns_detail.html", c=c, res=svc.results(s, [c.id])[c.id],
                           labels=svc.TOUCHPOINT_LABELS, kinds=act_svc.KIND_LABELS,
                           can_edit=can(SUPERVISE))


def _day(raw):
    try:
        return parse_day(raw) if raw else None
    except ServiceError:
        return None


def _save(s, c, f):
    start, end = f.get("start_on"), f.get("end_on")
    if (start and _day(start) is None) or (end and _day(end) is None):
        raise ServiceError(_("Dates are written like 2026-12-31."))
    ver = f.get("version", type=int)
    return svc.save_campaign(s, c, name=f.get("name", ""), theme=f.get("theme", ""),
                             touchpoint=f.get("touchpoint", ""), zone=f.get("zone", ""),
                             start_on=_day(start), end_on=_day(end), script=f.get("script", ""),
                             note=f.get("note", ""), version=ver)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@permission_required(SUPERVISE)
def campaign_new():
    if request.method == "POST":
        c, ok = run(lambda s_: _save(s_, None, request.form), ok=_("Campaign saved."))
        if ok:
            return back("banking_rm.campaign", campaign_id=c.id)
        return render_template("banking_rm/campaigns_form.html", c=None, f=request.form,
                               touchpoints=TOUCHPOINTS, labels=svc.TOUCHPOINT_LABELS), 422
    today = clock.today()
    return render_template("banking_rm/campaigns_form.html", c=None,
                           f={"start_on": today.isoformat(),
                              "end_on": (today + timedelta(days=30)).isoformat()},
                           touchpoints=TOUCHPOINTS, labels=svc.TOUCHPOINT_LABELS)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@permission_required(SUPERVISE)
def campaign_edit(campaign_id: int):
    c = get_or_404(BankCampaign, campaign_id)
    if request.method == "POST":
        _c, ok = run(lambda s_: _save(s_, c, request.form), ok=_("Campaign saved."))
        if ok:
            return back("banking_rm.campaign", campaign_id=c.id)
        return render_template("banking_rm/campaigns_form.html", c=c, f=request.form,
                               touchpoints=TOUCHPOINTS, labels=svc.TOUCHPOINT_LABELS), 422
    f = {"name": c.name, "theme": c.theme or "", "touchpoint": c.touchpoint or "", "zone": c.zone or "",
         "start_on": c.start_on.isoformat(), "end_on": c.end_on.isoformat(), "script": c.script or "",
         "note": c.note or "", "version": c.version}
    return render_template("banking_rm/campaigns_form.html", c=c, f=f, touchpoints=TOUCHPOINTS,
                           labels=svc.TOUCHPOINT_LABELS)
