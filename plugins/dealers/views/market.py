"""Promoter assessment, surveys, coverage and cross-region incidents."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import versions
from core.access import EDIT
from core.services import ServiceError
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import (CompetitorSurvey, CrossRegionIncident, DealerPromoter, DealerPromoterMonth,
                      DealerSurvey, RegionSurvey)
from ..models.market import INCIDENT_STATES
from ..models.network import PROMOTER_ACTIVE
from ..declarations import ASSESS, INCIDENT, INCIDENT_DECIDE, SURVEY, VIEW
from ..services import crossregion
from ..services import market as svc
from ..services import promoters as promoter_svc
from ..services.common import period_of
from . import bp
from .common import PAGE
from core import clock


# -- promoters -------------------------------------------------------------------
@bp.route("/promoters")
@permission_required(VIEW)
def promoter_assessment():
    return _promoters_page(request.args.get("period") or period_of(clock.today()))


def _promoters_page(period: str):
    s = db_session()
    try:
        rows = promoter_svc.assessment(s, current_user, period)
    except ServiceError as e:
        flash(str(e), "error")
        period, rows = period_of(clock.today()), []
    promoters = s.execute(web_scoped_select(DealerPromoter, EDIT).where(DealerPromoter.status == PROMOTER_ACTIVE)
                          .order_by(DealerPromoter.name)).scalars().all()
    # "Record a month" writes the month its promoter and period name: the
    # form carries the versions of the months shown (core.versions.check_keyed).
    seen = [(_month_key(r.month.promoter_id, r.month.period), r.month.version) for r in rows]
    return render_template("dealers/promoters.html", rows=rows, period=period, promoters=promoters,
                           seen=seen, can_assess=can(ASSESS))


def _month_key(promoter_id: int, period: str) -> str:
    return f"{promoter_id}@{period}"


@bp.route("/promoters/month", methods=["POST"])
@permission_required(ASSESS)
def promoter_month():
    p = get_or_404(DealerPromoter, request.form.get("promoter_id", type=int) or 0, EDIT)
    period = request.form.get("period", "")
    s = db_session()

    def find():
        return s.scalar(select(DealerPromoterMonth).where(
            DealerPromoterMonth.promoter_id == p.id, DealerPromoterMonth.period == period))

    _res, ok = versions.run_keyed(
        _month_key(p.id, period), find, promoter_svc.record_month, p,
        lock=select(DealerPromoter.id).where(DealerPromoter.id == p.id).with_for_update(),
        fields=[("target_units", _("Target (units)"), lambda m: m.target_units),
                ("sold_units", _("Sold (units)"), lambda m: m.sold_units),
                ("main_push_units", _("Main-push units"), lambda m: m.main_push_units)],
        period=period, target_units=request.form.get("target_units"),
        sold_units=request.form.get("sold_units"), main_push_units=request.form.get("main_push_units"),
        note=request.form.get("note") or None, ok=_("Saved."))
    if ok == versions.CONFLICT:
        return _promoters_page(period), 409
    return back("dealers.promoter_assessment", period=period)


# -- surveys ---------------------------------------------------------------------
@bp.route("/surveys")
@permission_required(VIEW)
def surveys():
    s = db_session()
    regions = s.execute(web_scoped_select(RegionSurvey).order_by(RegionSurvey.county)).scalars().all()
    dealers_ = s.execute(web_scoped_select(DealerSurvey).order_by(DealerSurvey.total_score.desc())
                         .limit(PAGE)).scalars().all()
    competitors = s.execute(web_scoped_select(CompetitorSurvey).order_by(CompetitorSurvey.surveyed_on.desc())
                            .limit(PAGE)).scalars().all()
    return render_template("dealers/surveys.html", regions=regions, dealer_surveys=dealers_,
                           competitors=competitors, weights=svc.selection_weights(s),
                           score_fields=svc.SCORE_FIELDS, score_labels=svc.score_labels(),
                           can_edit=can(SURVEY), today=clock.today())


@bp.route("/surveys/region", methods=["POST"])
@permission_required(SURVEY)
def survey_region_new():
    run(svc.save_region_survey, None, current_user, ok=_("Saved."), **request.form.to_dict())
    return back("dealers.surveys")


@bp.route("/surveys/region/<int:survey_id>", methods=["POST"])
@permission_required(SURVEY)
def survey_region_save(survey_id: int):
    r = get_or_404(RegionSurvey, survey_id, EDIT)
    run(svc.save_region_survey, r, current_user, ok=_("Saved."), **request.form.to_dict())
    return back("dealers.surveys")


@bp.route("/surveys/dealer", methods=["POST"])
@permission_required(SURVEY)
def survey_dealer_new():
    f = request.form.to_dict()
    _check_customer(f)
    run(svc.save_dealer_survey, None, current_user, ok=_("Saved."), **f)
    return back("dealers.surveys")


@bp.route("/surveys/competitor", methods=["POST"])
@permission_required(SURVEY)
def survey_competitor_new():
    f = request.form.to_dict()
    _check_customer(f)
    run(svc.save_competitor_survey, None, current_user, ok=_("Saved."), **f)
    return back("dealers.surveys")


def _check_customer(f: dict) -> None:
    if f.get("customer_id"):
        from .common import posted_dealer

        f["customer_id"] = str(posted_dealer(f["customer_id"]).id)


@bp.route("/coverage")
@permission_required(VIEW)
def coverage():
    s = db_session()
    rows = svc.coverage(s, current_user)
    return render_template("dealers/coverage.html", rows=rows,
                           seat_gaps=sum(r.seat_gap for r in rows),
                           town_gaps=sum(r.town_gaps for r in rows))


# -- cross-region ----------------------------------------------------------------------
@bp.route("/cross-region")
@permission_required(VIEW)
def incidents():
    s = db_session()
    status = request.args.get("status") or ""
    stmt = web_scoped_select(CrossRegionIncident)
    if status in INCIDENT_STATES:
        stmt = stmt.where(CrossRegionIncident.status == status)
    page = page_arg()
    rows = s.execute(stmt.order_by(CrossRegionIncident.found_on.desc(), CrossRegionIncident.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return render_template("dealers/incidents.html", incidents=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, status=status, states=INCIDENT_STATES, can_report=can(INCIDENT),
                           can_decide=can(INCIDENT_DECIDE), today=clock.today())


@bp.route("/cross-region/report", methods=["POST"])
@permission_required(INCIDENT)
def incident_report():
    f = request.form
    inc, ok = run(crossregion.report_found_unit, current_user, serial_no=f.get("serial_no", ""),
                  province=f.get("province", ""), city=f.get("city", ""), county=f.get("county", ""),
                  place=f.get("place", ""), found_on=f.get("found_on"), note=f.get("note") or None)
    if ok:
        if inc is None:
            flash(_("The unit is inside the region it was shipped to: no cross-region selling."), "success")
        else:
            flash(_("Cross-region incident %(no)s logged.", no=inc.number), "warning")
    return back("dealers.incidents")


@bp.route("/cross-region/<int:incident_id>/decide", methods=["POST"])
@permission_required(INCIDENT_DECIDE)
def incident_decide(incident_id: int):
    inc = get_or_404(CrossRegionIncident, incident_id, EDIT)
    f = request.form
    if f.get("status") not in INCIDENT_STATES:
        abort(400)
    run(crossregion.decide_incident, inc, current_user, status=f.get("status"),
        penalty=f.get("penalty") or "0", note=f.get("note", ""), ok=_("Saved."))
    return back("dealers.incidents")
