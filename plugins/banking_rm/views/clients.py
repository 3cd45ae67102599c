"""Retail customers: the list (filters, sort, pages, CSV export), the
customer's page (AUM, matrix cell, household, holdings, dates) and the
profile form."""
from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core import access, privacy, spreadsheets, versions
from core.models import User
from core.web.actions import back, page_arg, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from plugins.customers.api import Customer

from ..declarations import KIND_RETAIL, SELL, SERVE, VIEW
from ..forms_clients import DateForm, ProfileForm
from ..models import BankActivity, BankHolding
from ..models.clients import OPEN, ORIENTATIONS, TEMPERAMENTS
from ..models.retail import BankImportantDate
from ..services import clients as svc
from ..services.holdings import KIND_LABELS, propensity
from . import bp
from core import clock

PAGE = 50


def retail_or_404(customer_id, action: str = access.VIEW) -> Customer:
    """The retail customer, scoped: anything else (someone else's client,
    another kind, nonsense) answers 404."""
    c = get_or_404(Customer, customer_id, action)
    if c.kind != KIND_RETAIL:
        abort(404)
    return c


def _scope():
    return web_scoped_select(Customer).whereclause


def _filters() -> dict:
    return {k: request.args.get(k, "")[:60] for k in svc.LIST_FILTERS}


@bp.route("/clients")
@permission_required(VIEW)
def clients():
    s = db_session()
    f = _filters()
    scope = _scope()
    page = page_arg()
    stmt = svc.list_query(s, scope, f)
    total = s.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = s.execute(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).mappings().all()
    return render_template("banking_rm/clients_list.html", rows=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, total=total, f=f, managers=svc.managers(s, scope),
                           cells=svc.CELL_LABELS, orientations=svc.ORIENTATION_LABELS)


EXPORT_PII = ("phone", "id_number")


@bp.route("/clients/export.csv")
@permission_required(VIEW)
def clients_export():
    """The list's rows as CSV; mobile and ID number masked unless the user
    may reveal personal data (then the export is audited as a reveal)."""
    s = db_session()
    f = _filters()
    rows = s.execute(svc.list_query(s, _scope(), f).limit(50000)).mappings().all()
    shown = privacy.disclosure(s, current_user, table=Customer.__tablename__, fields=EXPORT_PII,
                               purpose="banking_rm clients export")
    cells = {k: str(v) for k, v in svc.CELL_LABELS.items()}
    orient = {k: str(v) for k, v in svc.ORIENTATION_LABELS.items()}
    out = [[_("Code"), _("Name"), _("Mobile"), _("ID number"), _("Manager"), _("AUM"),
            _("Product kinds"), _("Value matrix"), _("Value orientation")]]
    for r in rows:
        out.append([r["code"], r["name"], shown(r["phone"], "mobile"), shown(r["id_number"], "id_card"),
                    r["owner"] or "", f"{r['aum']:.2f}" if r["aum"] is not None else "0.00",
                    r["kinds"], cells.get(r["cell"], r["cell"]), orient.get(r["orientation"], "")])
    buf = io.BytesIO()
    spreadsheets.write_csv(out, buf)
    s.commit()  # the audit row of a clear export
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=retail_clients.csv"})


@bp.route("/clients/<int:customer_id>")
@permission_required(VIEW)
def client(customer_id):
    s = db_session()
    c = retail_or_404(customer_id)
    p = svc.profile_or_blank(s, c)
    today = clock.today()
    aum = svc.customer_aum(s, c.id)
    threshold = svc.aum_threshold(s)
    cell = svc.cell_of(aum, p.potential, threshold)
    days = svc.contact_days(s)[cell]
    holdings = s.scalars(select(BankHolding).where(BankHolding.customer_id == c.id)
                         .order_by(BankHolding.status.desc(), BankHolding.start_on.desc())).all()
    kinds = len({h.kind for h in holdings if h.status == OPEN})
    last = s.scalar(select(func.max(BankActivity.day)).where(BankActivity.customer_id == c.id))
    dates = s.scalars(select(BankImportantDate).where(BankImportantDate.customer_id == c.id)
                      .order_by(BankImportantDate.on)).all()
    owner = s.get(User, c.owner_id) if c.owner_id else None
    return render_template(
        "banking_rm/client.html", c=c, p=p, aum=aum, cell=cell, cell_label=svc.CELL_LABELS[cell],
        days=days, topic=svc.CONTACT_TOPICS.get(p.orientation, svc.CONTACT_TOPICS[None]),
        temperament=svc.TEMPERAMENT_LABELS.get(p.temperament), holdings=holdings, kinds=kinds,
        propensity=propensity(kinds), kind_labels=KIND_LABELS, last_contact=last,
        due=(last + timedelta(days=days)) if last else None, today=today,
        age=svc.age_on(p.birthday, p.id_number, today), valid_until=svc.risk_valid_until(s, p),
        household=svc.household_view(s, p.household_id), dates=dates, owner=owner,
        orientations=svc.ORIENTATION_LABELS, potentials=svc.POTENTIAL_LABELS,
        roles=svc.HOUSEHOLD_ROLE_LABELS, date_form=DateForm(),
        can_edit=can(SERVE), can_sell=can(SELL))


def _profile_form(s, p):
    form = ProfileForm(obj=p)
    form.orientation.choices = [("", "—")] + [(o, str(svc.ORIENTATION_LABELS[o])) for o in ORIENTATIONS]
    form.potential.choices = [(k, str(v)) for k, v in svc.POTENTIAL_LABELS.items()]
    form.temperament.choices = [("", "—")] + [(t, str(svc.TEMPERAMENT_LABELS[t])) for t in TEMPERAMENTS]
    form.household_id.choices = [("", "—")] + [(str(i), n) for i, n in svc.households(s)]
    form.household_role.choices = [("", "—")] + [(k, str(v)) for k, v in svc.HOUSEHOLD_ROLE_LABELS.items()]
    return form


@bp.route("/clients/<int:customer_id>/profile", methods=["GET", "POST"])
@permission_required(SERVE)
def client_profile(customer_id):
    s = db_session()
    c = retail_or_404(customer_id, access.EDIT)
    p = svc.profile_of(s, c)
    form = _profile_form(s, p)
    versions.load(form, p)
    from core.web.privacy import mask_form

    mask_form(form, p)
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in svc.PROFILE_FIELDS}
        _r, ok = versions.run_edit(p, svc.update_profile, c, form=form, ok=_("Saved."),
                                   new_household=form.new_household.data, **data)
        if ok == versions.CONFLICT:
            return render_template("banking_rm/client_profile.html", form=form, c=c), 409
        if ok:
            return redirect(url_for("banking_rm.client", customer_id=c.id))
    return render_template("banking_rm/client_profile.html", form=form, c=c)


@bp.route("/clients/<int:customer_id>/dates", methods=["POST"])
@permission_required(SERVE)
def client_date_add(customer_id):
    c = retail_or_404(customer_id, access.EDIT)
    form = DateForm()
    if not form.validate_on_submit():
        flash(_("Give the occasion and its date."), "error")
    else:
        run_action(svc.add_important_date, c, form.label.data, form.on.data, ok=_("Saved."))
    return back("banking_rm.client", customer_id=c.id)
