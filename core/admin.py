"""Admin pages: plugins, users, roles, org units, settings, audit trail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import auditview, lifecycle, services, versions
from . import settings as settings_svc
from .forms import (OrgUnitForm, PluginScopeForm, PluginSwitchForm, ReasonForm, RoleForm, UserForm,
                    org_choices)
from .models import AuditLog, OrgUnit, PluginScope, PluginState, Role, SignIn, User
from .plugins import CORE, PluginError
from .services import ServiceError
from .settings import SettingError
from .filters import role_label
from .web.actions import page_arg
from .web.decorators import permission_required
from .web.request import db_session, enabled_plugins, ext

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN = "core.admin"
PAGE = 50


# -- plugins --------------------------------------------------------------
@bp.route("/plugins")
@permission_required(ADMIN)
def plugins():
    host = ext().host
    s = db_session()
    on = host.enabled(s)
    states = {p.name: p for p in s.execute(select(PluginState)).scalars()}
    scoped: dict[str, list[OrgUnit]] = {}
    for name, unit in s.execute(select(PluginScope.plugin, OrgUnit)
                                .join(OrgUnit, OrgUnit.id == PluginScope.org_unit_id)
                                .order_by(OrgUnit.path)).all():
        scoped.setdefault(name, []).append(unit)
    rows = [
        {
            "m": host.manifests[n],
            "enabled": n in on,
            "core": n == CORE,
            "ready": host.ready(n) or n == CORE,
            "units": scoped.get(n, []),
            "dependants": host.dependants(n),
            "changed_at": states[n].changed_at if n in states else None,
        }
        for n in host.order
    ]
    return render_template("admin/plugins.html", rows=rows, form=ReasonForm())


def _switch_page(name: str, action: str, form, status: int = 200):
    """The confirmation page: what switching ``name`` affects, and why."""
    host = ext().host
    s = db_session()
    info = lifecycle.impact(s, name, current_user)
    return render_template("admin/plugin_confirm.html", man=host.manifests[name], action=action,
                           info=info, form=form, ready=host.ready(name),
                           deps=[host.manifests[d] for d in info.missing_dependencies],
                           blockers=[host.manifests[d] for d in info.enabled_dependants]), status


@bp.route("/plugins/<name>/enable", methods=["GET", "POST"])
@permission_required(ADMIN)
def plugin_enable(name):
    host = ext().host
    if name not in host.manifests or name == CORE:
        abort(404)
    form = PluginSwitchForm()
    if request.method == "GET":
        return _switch_page(name, "enable", form)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _switch_page(name, "enable", form, 400)
    s = db_session()
    with_deps = form.with_deps.data == "1"
    try:
        turned_on = services.enable_plugin(s, name, with_deps=with_deps, user_id=current_user.id,
                                           reason=form.reason.data.strip())
    except PluginError:
        s.rollback()
        return _switch_page(name, "enable", form, 409)
    s.commit()
    flash(_("Enabled: %(names)s", names=", ".join(turned_on)), "success")
    return redirect(url_for("admin.plugins"))


@bp.route("/plugins/<name>/disable", methods=["GET", "POST"])
@permission_required(ADMIN)
def plugin_disable(name):
    host = ext().host
    if name not in host.manifests:
        abort(404)
    if name == CORE:
        flash(_("Core cannot be disabled."), "error")
        return redirect(url_for("admin.plugins")), 303
    form = PluginSwitchForm()
    if request.method == "GET":
        return _switch_page(name, "disable", form)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _switch_page(name, "disable", form, 400)
    s = db_session()
    try:
        services.disable_plugin(s, name, user_id=current_user.id, reason=form.reason.data.strip())
    except PluginError as e:
        s.rollback()
        flash(_("%(name)s cannot be disabled while these enabled plugins depend on it: "
                "%(names)s. Disable them first.", name=name, names=", ".join(e.names)), "error")
        return redirect(url_for("admin.plugins")), 303
    s.commit()
    flash(_("Disabled: %(name)s. Its data is kept.", name=name), "success")
    return redirect(url_for("admin.plugins"))


@bp.route("/plugins/<name>/scope", methods=["GET", "POST"])
@permission_required(ADMIN)
def plugin_scope(name):
    """Which parts of the org tree use ``name``: a tree of org units to tick
    (none: the whole company), and a reason for the audit trail."""
    host = ext().host
    if name not in host.manifests or name == CORE or not host.ready(name):
        abort(404)
    s = db_session()
    units = list(s.execute(select(OrgUnit).order_by(OrgUnit.path)).scalars())
    form = PluginScopeForm()
    form.org_units.choices = [(u.id, u.name) for u in units]
    if request.method == "GET":
        form.org_units.data = [u.id for u in host.scope_units(s, name)]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                changed = services.set_plugin_scope(s, name, form.org_units.data or [],
                                                    user_id=current_user.id,
                                                    reason=form.reason.data.strip())
            except PluginError:
                s.rollback()
                abort(404)
            s.commit()
            if not changed:
                flash(_("Nothing changed."), "info")
            elif form.org_units.data:
                flash(_("%(name)s is now used by: %(units)s.", name=name, units=", ".join(
                    u.name for u in units if u.id in form.org_units.data)), "success")
            else:
                flash(_("%(name)s is now used by the whole company.", name=name), "success")
            return redirect(url_for("admin.plugins"))
        if form.csrf_token.errors:
            abort(400)
        status = 400
    depth = {u.id: u.path.count("/") - 2 for u in units}
    return render_template("admin/plugin_scope.html", man=host.manifests[name], form=form,
                           units=units, depth=depth, enabled=name in host.enabled(s),
                           ticked=set(form.org_units.data or [])), status


# -- users ----------------------------------------------------------------
def _user_current(u: User) -> dict:
    """The user form's values that are not plain attributes of the user."""
    return {"roles": [r.id for r in u.roles], "org_unit_id": u.org_unit_id or 0}


def _user_form(s, obj=None) -> UserForm:
    form = UserForm(obj=obj)
    form.org_unit_id.choices = org_choices(list(s.execute(select(OrgUnit)).scalars()), "—")
    form.roles.choices = [(r.id, role_label(r)) for r in s.execute(select(Role).order_by(Role.id)).scalars()]
    if obj is not None and request.method == "GET":
        form.roles.data = [r.id for r in obj.roles]
        form.org_unit_id.data = obj.org_unit_id or 0
    return form


@bp.route("/users")
@permission_required(ADMIN)
def users():
    s = db_session()
    q = (request.args.get("q") or "").strip()
    stmt = select(User).order_by(User.username)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(User.username.ilike(like) | User.full_name.ilike(like))
    return render_template("admin/users.html", users=s.execute(stmt.limit(500)).scalars().all(), q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(ADMIN)
def user_new():
    s = db_session()
    form = _user_form(s)
    if form.validate_on_submit():
        roles = [r.name for r in s.execute(select(Role).where(Role.id.in_(form.roles.data))).scalars()]
        org = s.get(OrgUnit, form.org_unit_id.data) if form.org_unit_id.data else None
        try:
            user, password = services.create_user(
                s, form.username.data, form.password.data or None, roles, org,
                form.full_name.data or "", form.locale.data)
            user.email = form.email.data or None
            user.active = form.active.data
        except ServiceError as e:
            s.rollback()
            flash(str(e), "error")
        else:
            s.commit()
            if not form.password.data:
                flash(_("User created. Initial password: %(pw)s", pw=password), "success")
            else:
                flash(_("User created."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(ADMIN)
def user_edit(user_id):
    s = db_session()
    user = s.get(User, user_id) or abort(404)
    form = _user_form(s, user)
    versions.load(form, user, current=_user_current)
    if form.validate_on_submit():
        try:
            versions.check(user, form, current=_user_current)
            if form.username.data != user.username and s.scalar(
                    select(User.id).where(User.username == form.username.data)):
                flash(_("User %(name)s already exists.", name=form.username.data), "error")
                return render_template("admin/user_form.html", form=form, user=user), 400
            if user.id == current_user.id and not form.active.data:
                flash(_("You cannot deactivate yourself."), "error")
                return render_template("admin/user_form.html", form=form, user=user), 400
            user.username = form.username.data
            user.full_name = form.full_name.data or ""
            user.email = form.email.data or None
            user.locale = form.locale.data
            user.org_unit_id = form.org_unit_id.data or None
            if user.active and not form.active.data:
                user.rotate_session()
            user.active = form.active.data
            roles = list(s.execute(select(Role).where(Role.id.in_(form.roles.data))).scalars())
            services.set_user_roles(s, user, roles)
            if form.password.data:
                services.set_password(s, user, form.password.data)
            s.commit()
        except (versions.EditConflict, versions.StaleDataError):
            versions.conflict(s, user, form, current=_user_current)
            return render_template("admin/user_form.html", form=form, user=user), 409
        flash(_("Saved."), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


# -- roles ----------------------------------------------------------------
def _perm_choices():
    e = ext()
    on = enabled_plugins()
    return [(code, f"{code} — {p.label}") for code, p in sorted(e.permissions.items())
            if e.host.plugin_of(code) in on]


@bp.route("/roles")
@permission_required(ADMIN)
def roles():
    s = db_session()
    rows = s.execute(select(Role).order_by(Role.id)).scalars().all()
    return render_template("admin/roles.html", roles=rows)


@bp.route("/roles/new", methods=["GET", "POST"])
@bp.route("/roles/<int:role_id>", methods=["GET", "POST"])
@permission_required(ADMIN)
def role_edit(role_id=None):
    s = db_session()
    role = s.get(Role, role_id) if role_id else None
    if role_id and role is None:
        abort(404)
    form = RoleForm(obj=role)
    form.permissions.choices = _perm_choices()
    if role is not None and request.method == "GET":
        form.permissions.data = sorted(role.permission_codes)

    def current(r: Role) -> dict:
        return {"permissions": sorted(r.permission_codes
                                      & {c for c, _l in form.permissions.choices})}

    versions.load(form, role, current=current)
    if form.validate_on_submit():
        try:
            versions.check(role, form, current=current)
            if role is None:
                if s.scalar(select(Role.id).where(Role.name == form.name.data)):
                    flash(_("A role with this code already exists."), "error")
                    return render_template("admin/role_form.html", form=form, role=role), 400
                role = Role(name=form.name.data)
                s.add(role)
            elif role.builtin and form.name.data != role.name:
                flash(_("A built-in role keeps its code."), "error")
                return render_template("admin/role_form.html", form=form, role=role), 400
            role.name = form.name.data
            role.label = form.label.data
            role.scope = form.scope.data
            role.read_only = form.read_only.data
            s.flush()
            # Permissions of disabled plugins are not shown; keep them as they are.
            shown = {c for c, _l in form.permissions.choices}
            hidden = role.permission_codes - shown
            services.set_role_permissions(s, role, set(form.permissions.data) | hidden)
            s.commit()
        except (versions.EditConflict, versions.StaleDataError):
            versions.conflict(s, role, form, current=current)
            return render_template("admin/role_form.html", form=form, role=role), 409
        flash(_("Saved."), "success")
        return redirect(url_for("admin.roles"))
    return render_template("admin/role_form.html", form=form, role=role)


# -- org units ------------------------------------------------------------
@bp.route("/org-units")
@permission_required(ADMIN)
def org_units():
    s = db_session()
    units = s.execute(select(OrgUnit).order_by(OrgUnit.path)).scalars().all()
    counts = dict(s.execute(select(User.org_unit_id, func.count()).group_by(User.org_unit_id)).all())
    return render_template("admin/org_units.html", units=units, counts=counts)


@bp.route("/org-units/new", methods=["GET", "POST"])
@bp.route("/org-units/<int:unit_id>", methods=["GET", "POST"])
@permission_required(ADMIN)
def org_unit_edit(unit_id=None):
    s = db_session()
    unit = s.get(OrgUnit, unit_id) if unit_id else None
    if unit_id and unit is None:
        abort(404)
    form = OrgUnitForm(obj=unit)
    all_units = list(s.execute(select(OrgUnit)).scalars())
    form.parent_id.choices = org_choices(
        [u for u in all_units if unit is None or not u.path.startswith(unit.path)], "—")
    if unit is not None and request.method == "GET":
        form.parent_id.data = unit.parent_id or 0

    def current(u: OrgUnit) -> dict:
        return {"parent_id": u.parent_id or 0}

    versions.load(form, unit, current=current)
    if form.validate_on_submit():
        parent = s.get(OrgUnit, form.parent_id.data) if form.parent_id.data else None
        try:
            versions.check(unit, form, current=current)
            if unit is None:
                unit = services.create_org_unit(s, form.code.data, form.name.data, form.kind.data, parent)
            else:
                if form.code.data != unit.code and s.scalar(
                        select(OrgUnit.id).where(OrgUnit.code == form.code.data)):
                    raise ServiceError(_("Org unit code %(code)s is already used.", code=form.code.data))
                unit.code, unit.name, unit.kind = form.code.data, form.name.data, form.kind.data
                if (parent.id if parent else None) != unit.parent_id:
                    services.move_org_unit(s, unit, parent)
            unit.active = form.active.data
            s.commit()
        except ServiceError as e:
            s.rollback()
            flash(str(e), "error")
            return render_template("admin/org_unit_form.html", form=form, unit=unit), 400
        except (versions.EditConflict, versions.StaleDataError):
            versions.conflict(s, unit, form, current=current)
            return render_template("admin/org_unit_form.html", form=form, unit=unit), 409
        flash(_("Saved."), "success")
        return redirect(url_for("admin.org_units"))
    return render_template("admin/org_unit_form.html", form=form, unit=unit)


# -- settings -------------------------------------------------------------
@bp.route("/settings", methods=["GET", "POST"])
@permission_required(ADMIN)
def settings():
    s = db_session()
    e = ext()
    on = enabled_plugins()
    specs = [sp for k, sp in sorted(e.settings.items()) if e.host.plugin_of(k) in on]
    values = settings_svc.all_values(s, [sp.key for sp in specs])
    # Each shown setting's signature goes with the form: a setting someone
    # else changes meanwhile is a conflict when this page is saved.
    loaded = {k: _setting_signature(v) for k, v in values.items()}
    errors: dict[str, str] = {}
    status = 200
    form = ReasonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        for sp in specs:
            raw = request.form.get(sp.key, "off" if sp.type == "bool" else None)
            if raw is None:
                continue
            try:
                settings_svc.parse(sp, raw)
            except SettingError:
                errors[sp.key] = _("Not a valid value for %(label)s.", label=str(sp.label))
        if errors:
            status = 400
            loaded.update({sp.key: request.form[LOADED + sp.key] for sp in specs
                           if LOADED + sp.key in request.form})
        else:
            raced = False
            try:
                rows, now = _settings_changed(s, specs)
                if not rows:
                    for sp in specs:
                        raw = request.form.get(sp.key, "off" if sp.type == "bool" else None)
                        if raw is not None:
                            settings_svc.set(s, sp.key, raw, current_user.id)
                    s.commit()
            except IntegrityError:
                # Someone saved a setting nobody had saved before, at the same
                # moment: theirs is kept, this save is shown as a conflict.
                s.rollback()
                raced = True
                rows, now = _settings_changed(s, specs)
                if not rows:
                    versions.show([])
            if not rows and not raced:
                flash(_("Settings saved."), "success")
                return redirect(url_for("admin.settings"))
            s.rollback()
            status = 409
            loaded = {k: _setting_signature(v) for k, v in now.items()}
        # Shown again with the user's input.
        values.update({sp.key: _posted_setting(sp) for sp in specs
                       if sp.key in request.form or sp.type == "bool"})
    groups: dict[str, list] = {}
    for sp in specs:
        groups.setdefault(e.host.plugin_of(sp.key), []).append(sp)
    return render_template("admin/settings.html", groups=groups, values=values, errors=errors,
                           loaded=loaded, manifests=e.host.manifests, form=form), status


#: The hidden field that carries a setting's value as the page showed it.
LOADED = "loaded:"


def _setting_signature(value) -> str:
    return versions.signature({"value": value})


def _posted_setting(sp):
    if sp.type == "bool":
        return request.form.get(sp.key, "off") in ("1", "true", "on", "y", "yes")
    return request.form.get(sp.key)


def _settings_changed(s, specs) -> tuple[list, dict]:
    """Read the shown settings under lock; the ones someone else changed since
    the page was loaded (posted signature ≠ the value's now), shown as a
    conflict, and every shown setting's value now."""
    from .models import Setting

    keys = [sp.key for sp in specs]
    stored = {r.key: r for r in s.execute(
        select(Setting).where(Setting.key.in_(keys)).with_for_update()
        .execution_options(populate_existing=True)).scalars()}
    now = {sp.key: (settings_svc._from_json(sp, stored[sp.key].value) if sp.key in stored
                    else sp.default) for sp in specs}
    rows, changed = [], []
    for sp in specs:
        was = request.form.get(LOADED + sp.key)
        if was is None or was == _setting_signature(now[sp.key]):
            continue
        choices = {(c[0] if isinstance(c, tuple) else c): (c[1] if isinstance(c, tuple) else c)
                   for c in sp.choices} or None
        rows.append(versions.Row(str(sp.label), versions.display(now[sp.key], choices),
                                 versions.display(_posted_setting(sp), choices)))
        if sp.key in stored:
            changed.append(stored[sp.key])
    if rows:
        last = max(changed, key=lambda r: r.updated_at, default=None)
        who = ""
        if last is not None and last.updated_by:
            u = s.get(User, last.updated_by)
            who = (u.full_name or u.username) if u else ""
        versions.show(rows, who, last.updated_at if last is not None else None)
    return rows, now


# -- audit ----------------------------------------------------------------
@bp.route("/audit")
@permission_required("core.audit_view")
def audit():
    s = db_session()
    stmt = select(AuditLog).order_by(AuditLog.id.desc())
    table = request.args.get("table") or ""
    record = request.args.get("record") or ""
    if table:
        stmt = stmt.where(AuditLog.table_name == table)
    if record:
        stmt = stmt.where(AuditLog.record_id == record)
    if not current_user.is_admin and current_user.scope != "all":
        # Managers read the trail of their own people only.
        from .access import subtree_ids

        stmt = stmt.where(AuditLog.user_id.in_(
            select(User.id).where(User.org_unit_id.in_(subtree_ids(current_user.org_unit_id)))))
    page = page_arg()
    rows = s.execute(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    # Labels, codes and names as people know them; personal data masked
    # like on every page (issue 18).
    entries = auditview.describe(s, rows[:PAGE])
    return render_template("admin/audit.html", rows=entries, has_next=len(rows) > PAGE,
                           page=page, table=table, record=record)


@bp.route("/sign-ins")
@permission_required(ADMIN)
def sign_ins():
    """The sign-in log: who signed in when, from where (newest first)."""
    s = db_session()
    stmt = select(SignIn).order_by(SignIn.id.desc())
    who = (request.args.get("user") or "").strip()
    if who:
        stmt = stmt.where(SignIn.user_id.in_(select(User.id).where(User.username == who)))
    page = page_arg()
    rows = s.execute(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return render_template("admin/sign_ins.html", rows=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, who=who)
