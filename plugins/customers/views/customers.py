"""Customer list, record, status, owner, grade, loyalty and the card PDF."""
from __future__ import annotations


from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Integer, bindparam, desc, func, literal, or_, select

from core import auditview, privacy, versions
from core.access import subtree_ids
from core.filters import fmt_date
from core.models import AuditLog, OrgUnit, User
from core.web.actions import back, page_arg, run_action
from core.web.decorators import permission_required
from core.web.privacy import mask_form
from core.web.request import can, db_session, hooks
from core.web.request import scoped_select as web_scoped_select

from ..services import evaluation, grading, loyalty, man, opening, master, visits
from ..forms import (CustomerForm, EmptyForm, GradeForm, LoyaltyForm, ReassignForm, StatusForm,
                     region_choices)
from ..models import CHILD_MODELS, STATUSES, Customer, FollowUp, ManCheck, Visit
from ..declarations import APPROVE, CARD, EDIT as P_EDIT, EVALUATE, GRADE, REASSIGN, VIEW
from ..services.search import FILTER_KEYS, cached, conditions, count_capped, plan, scope_key
from . import bp
from .common import PAGE, customer_or_404, form_errors, writable


def _kind_choices(s):
    return [(k, str(label)) for k, label in master.kinds(s)]


# -- list -------------------------------------------------------------------
COUNT_CAP = 1000
#: What the table shows, read as plain rows (no ORM objects) with the
#: owner's name joined in the same statement.
LIST_COLUMNS = (Customer.id, Customer.code, Customer.name, Customer.kind, Customer.grade,
                Customer.grade_override, Customer.grade_override_reason, Customer.status,
                Customer.province, Customer.city, Customer.county, Customer.town,
                User.full_name, Customer.last_visit_on)
STATUS_CLASS = {"active": "ok", "prospect": "", "applying": "warn", "suspended": "warn",
                "eliminated": "err"}
#: An id no customer has, to build the row links from one url_for.
_LINK_ID = 987654321


def _provinces(s, scope, dialect: str) -> list[str]:
    """The provinces of the customers the user may see (``scope``: the
    WHERE clause of their scoped select), for the filter.
    A DISTINCT reads every row (~10 ms at 100k on PostgreSQL); this skips
    from one province to the next along ix_customers_customer_region, one
    index probe per province (about 34).  On PostgreSQL a scoped user gets a
    GROUP BY over their rows instead: the planner takes the org-unit subtree
    for one unit and runs each step of the walk through the org index (a
    branch manager's filter took 0.2–0.7 s on the bench data; the GROUP BY
    13–70 ms, a salesperson's 0.3 ms against 2–3 ms).  The statement is kept
    per scope."""
    def build():
        if scope is not None and dialect == "postgresql":
            return (select(Customer.province).where(scope).group_by(Customer.province)
                    .order_by(Customer.province))

        def after(prev):
            q = select(func.min(Customer.province)).where(Customer.province > prev)
            return (q.where(scope) if scope is not None else q).scalar_subquery()

        walk = select(after(literal("")).label("p")).cte("provinces", recursive=True)
        prev = walk.alias()
        walk = walk.union_all(select(after(prev.c.p)).where(prev.c.p.is_not(None)))
        return select(walk.c.p).where(walk.c.p.is_not(None)).order_by(walk.c.p)

    key = scope_key(scope)
    return s.scalars(cached(None if key is None else ("provinces", dialect, key), build)).all()


def _list_rows(rows, kind_labels: dict, statuses: dict) -> list[tuple]:
    """The table's cells, computed here once rather than per cell in the
    template (bench case 2: 50 rows): link, code, name, kind, grade, CSS
    class of the grade, reason of a manual grade (None: not manual), status
    class and label, region, owner, last visit (None: never)."""
    link = url_for("customers.detail", customer_id=_LINK_ID)
    head, sep, tail = link.rpartition(str(_LINK_ID))
    out = []
    for (ident, code, name, kind, grade, override, reason, status, province, city, county,
         town, owner, last_visit) in rows:
        href = f"{head}{ident}{tail}" if sep else url_for("customers.detail", customer_id=ident)
        out.append((href, code, name, kind_labels.get(kind, kind), grade,
                    f"cu-grade-{grade.lower()}" if grade else "",
                    (reason or "") if override else None,
                    STATUS_CLASS.get(status, ""), statuses.get(status, status),
                    " ".join(filter(None, (province, city, county, town))), owner or "",
                    fmt_date(last_visit) if last_visit else None))
    return out


@bp.route("/")
@permission_required(VIEW)
def index():
    s = db_session()
    f = {k: request.args.get(k, "") for k in FILTER_KEYS}
    dialect = s.get_bind().dialect.name
    scoped = web_scoped_select(Customer)
    page = page_arg()
    # Counting stops past COUNT_CAP: an exact "123,456 customers" costs a full
    # scan on every page view and nobody pages that far (bench case 2).
    total = count_capped(s, scoped, f, dialect, COUNT_CAP + 1)
    many = total > COUNT_CAP
    if many:
        total = f"{COUNT_CAP:,}+"
    # Many matches: the page is found sooner by walking the code index.
    shape, params = plan(f, dialect, many=many)
    scope = scoped.whereclause
    skey = scope_key(scope)

    def build():
        # Only what the table shows, as plain rows: building ORM objects
        # cost more than finding the rows.
        stmt = select(*LIST_COLUMNS).select_from(Customer).outerjoin(
            User, User.id == Customer.owner_id)
        if scope is not None:
            stmt = stmt.where(scope)
        return (stmt.where(*conditions(shape)).order_by(Customer.code.desc())
                .offset(bindparam("page_offset", type_=Integer)).limit(PAGE + 1))

    key = None if skey is None else ("page", skey, shape, PAGE)
    rows = s.execute(cached(key, build), {**params, "page_offset": (page - 1) * PAGE}).all()
    kinds = _kind_choices(s)
    statuses = {k: str(v) for k, v in master.status_labels().items()}
    return render_template("customers/index.html",
                           rows=_list_rows(rows[:PAGE], dict(kinds), statuses),
                           has_next=len(rows) > PAGE, page=page, total=total, f=f,
                           provinces=_provinces(s, scope, dialect), kinds=kinds, statuses=statuses)


# -- create / edit ------------------------------------------------------------
@bp.route("/new", methods=["GET", "POST"])
@permission_required(P_EDIT)
def new():
    s = db_session()
    form = CustomerForm()
    form.kind.choices = _kind_choices(s)
    region_choices(form)
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in master.EDITABLE}
        if current_user.org_unit_id is None:
            flash(_("Your user has no org unit; ask an administrator."), "error")
        else:
            c, ok = run_action(master.create_customer, org_unit_id=current_user.org_unit_id,
                               owner_id=current_user.id, **data)
            if ok:
                flash(_("Customer %(code)s created.", code=c.code), "success")
                return redirect(url_for("customers.detail", customer_id=c.id))
    return render_template("customers/form.html", form=form, customer=None)


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@permission_required(P_EDIT)
def edit(customer_id):
    s = db_session()
    c = writable(customer_id)
    form = CustomerForm(obj=c)
    form.kind.choices = _kind_choices(s)
    region_choices(form)
    versions.load(form, c)
    mask_form(form, c)  # personal data masked for a user who may not reveal it
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in master.EDITABLE}
        _r, ok = versions.run_edit(c, master.update_customer, c, form=form, ok=_("Saved."),
                                   **data)
        if ok == versions.CONFLICT:
            return render_template("customers/form.html", form=form, customer=c), 409
        if ok:
            return redirect(url_for("customers.detail", customer_id=c.id))
    return render_template("customers/form.html", form=form, customer=c)


# -- the customer page ----------------------------------------------------------
def _audit_rows(s, c: Customer, limit: int = 50):
    tables = {m.__tablename__: m for m in CHILD_MODELS}
    child_ids = []
    for table, model in tables.items():
        ids = s.scalars(select(model.id).where(model.customer_id == c.id)).all()
        child_ids += [(table, str(i)) for i in ids]
    conds = [(AuditLog.table_name == Customer.__tablename__) & (AuditLog.record_id == str(c.id))]
    by_table: dict[str, list[str]] = {}
    for t, i in child_ids:
        by_table.setdefault(t, []).append(i)
    for t, ids in by_table.items():
        conds.append((AuditLog.table_name == t) & AuditLog.record_id.in_(ids))
    rows = s.scalars(select(AuditLog).where(or_(*conds))
                     .order_by(desc(AuditLog.at), desc(AuditLog.id)).limit(limit)).all()
    # Labels, codes and names from the declarations (issue 21, item 25).
    return [{"at": e.at, "who": e.who, "what": e.what, "action": e.action,
             "changes": e.changes, "reason": e.reason} for e in auditview.describe(s, rows)]


def _panels(c: Customer):
    panels = hooks().flat("customer_panels", session=db_session(), customer=c, user=current_user)
    return sorted(panels, key=lambda p: (p.sequence, str(p.title)))


@bp.route("/<int:customer_id>")
@permission_required(VIEW)
def detail(customer_id):
    s = db_session()
    c = customer_or_404(customer_id)
    app_row = opening.open_application(s, c)
    latest_app = app_row or s.scalars(
        select(opening.Application).where(opening.Application.customer_id == c.id)
        .order_by(opening.Application.id.desc())).first()
    status_form = StatusForm()
    status_form.status.choices = [(k, str(v)) for k, v in master.status_labels().items()
                                  if k in master.TRANSITIONS[c.status]]
    reassign_form = None
    if can(REASSIGN) and current_user.scope != "own":
        reassign_form = ReassignForm()
        reassign_form.owner_id.choices = _owner_choices(s)
    loyalty_form = LoyaltyForm(loyalty_type=c.loyalty_type or "", note=c.loyalty_note or "")
    loyalty_form.loyalty_type.choices = [("", "—")] + [(t.code, str(t.label))
                                                       for t in loyalty.TYPES]
    visit_rows = s.scalars(select(Visit).where(Visit.customer_id == c.id)
                           .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(20)).all()
    wanted = {c.owner_id} | {v.user_id for v in visit_rows}
    users = {u.id: u for u in s.scalars(select(User).where(User.id.in_(wanted)))}
    followups = s.scalars(select(FollowUp).where(FollowUp.customer_id == c.id)
                          .order_by(FollowUp.done_at.is_not(None), FollowUp.due_on)).all()
    last_man = s.scalars(select(ManCheck).where(ManCheck.customer_id == c.id)
                         .order_by(ManCheck.id.desc())).first()
    evals = evaluation.history(s, c)
    unit = s.get(OrgUnit, c.org_unit_id)
    return render_template(
        "customers/detail.html", c=c, unit=unit, users=users, application=latest_app,
        app_states=opening.state_labels(), statuses=master.status_labels(),
        kind_label=dict(master.kinds(s)).get(c.kind, c.kind),
        status_form=status_form, reassign_form=reassign_form,
        grade_form=GradeForm(grade=c.grade_override or ""), loyalty_form=loyalty_form,
        loyalty_type=loyalty.BY_CODE.get(c.loyalty_type), visits=visit_rows,
        visit_states=visits.state_labels(), objective_labels=visits.objective_labels(),
        followups=followups, last_man=last_man, man_outcomes=man.outcome_labels(),
        man_letters=man.letters, evaluations=evals, eval_actions=evaluation.action_labels(),
        period_label=evaluation.period_label,
        audit=_audit_rows(s, c), panels=_panels(c), form=EmptyForm(),
        can_approve=can(APPROVE), can_grade=can(GRADE), can_evaluate=can(EVALUATE),
        can_edit=can(P_EDIT) and not current_user.read_only,
        allowed_days=visits.allowed_days(s))


def _owner_choices(s):
    stmt = select(User).where(User.active.is_(True)).order_by(User.username)
    if current_user.scope != "all":
        stmt = stmt.where(User.org_unit_id.in_(subtree_ids(current_user.org_unit_id)))
    return [(u.id, f"{u.display_name} ({u.username})") for u in s.scalars(stmt)]


# -- status, owner, grade, loyalty ------------------------------------------------
@bp.route("/<int:customer_id>/status", methods=["POST"])
@permission_required(P_EDIT)
def set_status(customer_id):
    c = writable(customer_id)
    form = StatusForm()
    form.status.choices = [(k, k) for k in STATUSES]
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("customers.detail", customer_id=c.id)), 303
    run_action(master.set_status, c, form.status.data, form.reason.data, actor=current_user,
               ok=_("Status changed."))
    return back("customers.detail", customer_id=c.id)


@bp.route("/<int:customer_id>/reassign", methods=["POST"])
@permission_required(REASSIGN)
def reassign(customer_id):
    s = db_session()
    c = writable(customer_id)
    form = ReassignForm()
    form.owner_id.choices = _owner_choices(s)
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("customers.detail", customer_id=c.id)), 303
    new_owner = s.get(User, form.owner_id.data)
    run_action(master.reassign_owner, c, new_owner, form.reason.data, current_user,
               ok=_("The customer now belongs to %(name)s.", name=new_owner.display_name))
    return back("customers.detail", customer_id=c.id)


@bp.route("/<int:customer_id>/grade", methods=["POST"])
@permission_required(GRADE)
def grade_override(customer_id):
    c = writable(customer_id)
    form = GradeForm()
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("customers.detail", customer_id=c.id)), 303
    run_action(grading.override, c, form.grade.data or None, form.reason.data, ok=_("Grade saved."))
    return back("customers.detail", customer_id=c.id)


@bp.route("/grades/recompute", methods=["POST"])
@permission_required(GRADE)
def grade_recompute():
    s = db_session()
    if not EmptyForm().validate_on_submit():
        abort(400)
    if current_user.scope == "all":
        units = None
    else:
        units = s.scalars(subtree_ids(current_user.org_unit_id)).all()
    counts, ok = run_action(grading.recompute, units)
    if ok:
        flash(_("Grades recomputed: A %(a)s, B %(b)s, C %(c)s.", a=counts["A"], b=counts["B"],
                c=counts["C"]), "success")
    return back("customers.index")


@bp.route("/<int:customer_id>/loyalty", methods=["POST"])
@permission_required(P_EDIT)
def set_loyalty(customer_id):
    c = writable(customer_id)
    form = LoyaltyForm()
    form.loyalty_type.choices = [("", "—")] + [(t.code, t.code) for t in loyalty.TYPES]
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("customers.detail", customer_id=c.id)), 303
    run_action(loyalty.classify, c, form.loyalty_type.data or None, form.note.data,
               ok=_("Loyalty type saved."))
    return back("customers.detail", customer_id=c.id)


# -- customer card PDF ---------------------------------------------------------------
@bp.route("/<int:customer_id>/card", methods=["POST"])
@permission_required(VIEW)
def card(customer_id):
    """Issue the customer card through core's document service (numbered,
    archived) and download it."""
    from core import documents

    s = db_session()
    c = customer_or_404(customer_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        doc, ok = run_action(documents.issue, CARD, c.id, current_user)
    except (documents.UnknownDocument, documents.RecordNotFound):
        s.rollback()
        abort(404)
    if not ok:
        return back("customers.detail", customer_id=c.id)
    return back("documents.download", doc_id=doc.id)


@bp.route("/divisions.json")
@permission_required(VIEW)
def divisions_json():
    """{province: {city: [county, …]}} of the national division list, for
    the region picker's script (the same for everyone: cached a day)."""
    from flask import jsonify

    from ..services import divisions

    resp = jsonify(divisions.as_json())
    resp.headers["Cache-Control"] = "private, max-age=86400"
    return resp
