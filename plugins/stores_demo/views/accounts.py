"""Key accounts: the list (filter, sort, page, export), the account page
(profile, stage and its history, contact log, introductions) and the
profile form."""
from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import privacy, spreadsheets, versions
from core.access import EDIT, VIEW as SCOPE_VIEW
from core.dates import parse_day
from core.models import User
from core.services import ServiceError
from core.web.actions import back, page_arg, run_action
from core.web.decorators import permission_required
from core.web.frame import render_kept
from core.web.privacy import mask_form
from core.web.pickers import picked
from core.web.request import can, db_session, signed_in
from plugins.customers import api as customers

from ..account_forms import ContactLogForm, MoveForm, NewAccountForm, ProfileForm
from ..account_labels import (CHANNEL_LABELS, FIELD_LABELS, LEAD_SOURCE_LABELS, LEVEL_LABELS,
                              OUTCOME_LABELS, STAGE_LABELS)
from ..declarations import DEVELOP, KINDS, STAGE_SKIP, VIEW
from ..models.accounts import (CHANNELS, LEAD_SOURCES, LEVELS, OUTCOMES, STAGES,
                               StoresDemoAccount)
from ..services import accounts as svc
from ..services import contacts as contact_svc
from ..services import pipeline as pipe
from . import bp
from .development import ACCOUNT
from core import clock


def stage_choices() -> list[tuple[str, str]]:
    return [(str(n), f"{n}. {STAGE_LABELS[code]}") for n, code in enumerate(STAGES, start=1)]


def kind_choices(s) -> list[tuple[str, str]]:
    """The key-account kinds with their labels as plain strings (a lazy
    label is translated again wherever a row shows it), per language, kept
    until the enabled plugins change (the kinds come from a hook)."""
    from flask_babel import get_locale

    def make():
        labels = dict(customers.kinds(s))
        return [(k, str(labels.get(k, k))) for k in KINDS]

    return svc.kept(s, ("stores_demo.kinds", str(get_locale())), make)


def account_or_404(customer_id: int, action: str = SCOPE_VIEW):
    """The key account (customer) the signed-in user may ``action``; else 404."""
    s = db_session()
    c = customers.get_customer(s, customer_id, current_user, action)
    if c is None or not svc.is_key_account(c):
        abort(404)
    return c


def _filter() -> svc.ListFilter:
    stage = request.args.get("stage", type=int)
    sort = request.args.get("sort") or "name"
    return svc.ListFilter(owner_id=request.args.get("owner", type=int),
                          kind=request.args.get("kind") or "",
                          stage=stage if stage and 1 <= stage <= len(STAGES) else None,
                          q=(request.args.get("q") or "").strip()[:100],
                          sort=sort if sort in svc.SORTS else "name",
                          desc=request.args.get("dir") == "desc", page=page_arg())


@bp.route("/accounts")
@permission_required(VIEW)
def accounts():
    s = db_session()
    f = _filter()
    user = signed_in()  # the user itself, not Flask-Login's proxy: the statement is kept per user
    stmt, params = svc.list_select(s, user, f)
    rows = s.execute(stmt, params).all()
    kinds = kind_choices(s)
    owners = svc.owners_for(s, user)
    today = clock.today()
    # Rendered once per (frame, rows shown, filters, day) and kept, as the
    # customer list is: the rows are read every time, the HTML only when
    # they changed.
    # Plain tuples: a kept page is found by comparing them, and comparing
    # SQLAlchemy rows is Python code per row (~0.7 ms a request for 51 rows).
    shows = (tuple(map(tuple, rows)), tuple(owners), pipe.this_hour(),
             tuple(sorted(request.args.items(multi=True))))
    return render_kept("stores_demo/accounts_list.html", shows, rows=rows[:svc.PAGE],
                       has_next=len(rows) > svc.PAGE, page=f.page, f=f, kinds=kinds,
                       kind_names=dict(kinds), owners=owners,
                       # called only when the page is drawn, not when it is kept
                       stages=stage_choices, stage_label=svc.stage_label,
                       stage_names=lambda: [""] + [str(STAGE_LABELS[c]) for c in STAGES],
                       days_since=pipe.days_since, today=today)


@bp.route("/accounts/export.csv")
@permission_required(VIEW)
def accounts_export():
    """The filtered list as CSV (every page); mobiles masked for a user who
    may not reveal them, clear (and audited) for one who may."""
    s = db_session()
    f = _filter()
    shown = privacy.disclosure(s, current_user, table=StoresDemoAccount.__tablename__,
                               fields=["mobile"], purpose="export")
    stmt, params = svc.list_select(s, signed_in(), f)
    params.pop("sd_offset")
    stmt = stmt.offset(None).limit(20000)
    kinds = dict(kind_choices(s))
    out = [[_("Code"), _("Name"), _("Kind"), _("Owner"), _("Stage"), _("Mobile"),
            _("Next contact")]]
    for r in s.execute(stmt, params):
        out.append([r.code, r.name, str(kinds.get(r.kind, r.kind)), r.owner or "",
                    str(svc.stage_label(r.stage)), shown(r.mobile, "mobile"),
                    r.next_contact_on.isoformat() if r.next_contact_on else ""])
    s.commit()  # the audit row of a clear export
    buf = io.BytesIO()
    spreadsheets.write_csv(out, buf)
    buf.seek(0)
    return send_file(buf, mimetype="text/csv", as_attachment=True,
                     download_name=f"key-accounts-{clock.today().isoformat()}.csv")


def _fill_profile_choices(s, form, customer_id=None) -> None:
    blank = [("", "—")]
    form.lead_source.choices = blank + [(k, str(LEAD_SOURCE_LABELS[k])) for k in LEAD_SOURCES]
    for key in svc.LEVEL_FIELDS:
        if hasattr(form, key):
            getattr(form, key).choices = blank + [(k, str(LEVEL_LABELS[k])) for k in LEVELS]


def _introducer(form) -> str:
    """The introducer chosen with the record picker (a key account's code
    or id, in the user's scope; else a 404 page saying so) as its id."""
    intro = picked(ACCOUNT, form.introducer_id.data, SCOPE_VIEW, required=False)
    return str(intro.id) if intro is not None else ""


@bp.route("/accounts/new", methods=["GET", "POST"])
@permission_required(DEVELOP)
def account_new():
    s = db_session()
    form = NewAccountForm()
    form.kind.choices = kind_choices(s)
    _fill_profile_choices(s, form)
    if form.validate_on_submit():
        unit = current_user.org_unit_id
        c, ok = run_action(svc.create_account, current_user, name=form.name.data,
                           kind=form.kind.data, org_unit_id=unit, owner_id=current_user.id,
                           mobile=form.mobile.data, lead_source=form.lead_source.data,
                           introducer_id=_introducer(form),
                           is_organisation="y" if form.is_organisation.data else "",
                           ok=_("Key account created."))
        if ok:
            return back("stores_demo.account", customer_id=c.id)
    return render_template("stores_demo/accounts_new.html", form=form), (
        400 if request.method == "POST" else 200)


@bp.route("/accounts/<int:customer_id>")
@permission_required(VIEW)
def account(customer_id: int):
    s = db_session()
    c = account_or_404(customer_id)
    acc = svc.account_of(s, c)
    if acc is None:
        abort(404)
    intro = customers.get_customer(s, acc.introducer_id, current_user) if acc.introducer_id else None
    stats = svc.introducer_stats(s, current_user, [c.id]).get(c.id, (0, 0))
    move_form = MoveForm(from_stage=str(acc.stage))
    move_form.to_stage.choices = stage_choices()
    log_form = ContactLogForm()
    log_form.channel.choices = [(k, str(CHANNEL_LABELS[k])) for k in CHANNELS]
    log_form.outcome.choices = [(k, str(OUTCOME_LABELS[k])) for k in OUTCOMES]
    log_form.template_id.choices = [("", "—")] + [
        (str(t.id), f"{CHANNEL_LABELS[t.channel]} · {t.name}") for t in contact_svc.templates(s)]
    owner = s.get(User, c.owner_id) if c.owner_id else None
    return render_template(
        "stores_demo/account.html", c=c, acc=acc, intro=intro, stats=stats,
        introduced=svc.introduced(s, current_user, c.id), owner=owner,
        history=pipe.history(s, c.id), contacts=contact_svc.contact_log(s, c.id),
        move_form=move_form, log_form=log_form, kind=customers.kind_label(s, c.kind),
        stage_label=svc.stage_label, labels=FIELD_LABELS, level_labels=LEVEL_LABELS,
        lead_labels=LEAD_SOURCE_LABELS, channel_labels=CHANNEL_LABELS,
        outcome_labels=OUTCOME_LABELS, days_in_stage=pipe.days_since(acc.stage_since),
        can_develop=can(DEVELOP), can_skip=can(STAGE_SKIP), today=clock.today(),
        text_fields=svc.TEXT_FIELDS, level_fields=svc.LEVEL_FIELDS,
        detail_endpoint=customers.DETAIL_ENDPOINT)


@bp.route("/accounts/<int:customer_id>/profile", methods=["GET", "POST"])
@permission_required(DEVELOP)
def account_profile(customer_id: int):
    s = db_session()
    c = account_or_404(customer_id, EDIT)
    acc = svc.account_of(s, c)
    if acc is None:
        abort(404)
    form = ProfileForm(obj=acc)
    if request.method == "GET":
        form.introducer_id.data = str(acc.introducer_id or "")
        for key in svc.LEVEL_FIELDS + ("lead_source",):
            getattr(form, key).data = getattr(acc, key) or ""
    _fill_profile_choices(s, form, c.id)
    versions.load(form, acc)
    mask_form(form, acc)  # the mobile stays masked for a user who may not reveal it
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in svc.EDITABLE}
        data["introducer_id"] = _introducer(form)
        data["is_organisation"] = "y" if form.is_organisation.data else ""
        _r, ok = versions.run_edit(acc, svc.save_profile, c, data, form=form, ok=_("Saved."))
        if ok == versions.CONFLICT:
            return render_template("stores_demo/accounts_profile.html", form=form, c=c), 409
        if ok:
            return redirect(url_for("stores_demo.account", customer_id=c.id))
    return render_template("stores_demo/accounts_profile.html", form=form, c=c)


@bp.route("/accounts/<int:customer_id>/move", methods=["POST"])
@permission_required(DEVELOP)
def account_move(customer_id: int):
    c = account_or_404(customer_id, EDIT)
    f = request.form
    moved_on = None
    if (f.get("moved_on") or "").strip():
        try:
            moved_on = parse_day(f.get("moved_on"))
        except ServiceError as e:
            flash(str(e), "error")
            return back("stores_demo.account", customer_id=c.id)
    run_action(pipe.move_stage, current_user, c, f.get("to_stage"), from_stage=f.get("from_stage"),
               note=f.get("note", ""), moved_on=moved_on, ok=_("Stage moved."))
    if f.get("next_page") == "board":
        return back("stores_demo.pipeline")
    return back("stores_demo.account", customer_id=c.id)


@bp.route("/accounts/<int:customer_id>/contacts", methods=["POST"])
@permission_required(DEVELOP)
def account_contact(customer_id: int):
    c = account_or_404(customer_id, EDIT)
    f = request.form
    run_action(contact_svc.log_contact, current_user, c, channel=f.get("channel", ""),
               contacted_on=f.get("contacted_on"), outcome=f.get("outcome", ""),
               next_contact_on=f.get("next_contact_on"), note=f.get("note", ""),
               template_id=f.get("template_id") or None, ok=_("Contact logged."))
    return back("stores_demo.account", customer_id=c.id)
