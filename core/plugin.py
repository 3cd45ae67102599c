"""Core registers itself as a plugin too: its permissions, admin menu,
settings and the default row-scope rule come through the same hooks as
everyone else's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .access import default_rule
from .clock import ZONES
from .hookspecs import hookimpl
from .registry import Manifest, MenuItem, Permission, SettingSpec, Widget

MANIFEST = Manifest(
    name="core",
    label_zh="核心",
    label_en="Core",
    version="0.1.0",
    description="Users, roles, org tree, access, audit, numbering, settings, documents, jobs.",
    description_zh="用户、角色、组织架构、权限、审计、编号、设置、单据、后台任务。",
)


@hookimpl
def register_models():
    from . import models
    from .documents.models import IssuedDocument
    from .jobs.models import Job

    return [models.OrgUnit, models.Role, models.RolePermission, models.User,
            models.PluginState, models.PluginScope, models.Setting, models.Sequence, models.AuditLog,
            models.Attachment, models.LoginAttempt, models.SignIn, IssuedDocument, Job]


@hookimpl
def register_permissions():
    return [
        Permission("core.admin", _l("Administer users, roles, org units, plugins and settings"),
                   ("admin",)),
        Permission("core.audit_view", _l("Read the audit trail"), ("admin", "auditor", "manager")),
        # Issue 18: personal data is masked for everyone else; an admin grants
        # it to other roles (finance, a manager) on the roles page.
        Permission("core.reveal_pii", _l("Reveal masked personal data (with a purpose, audited)"),
                   ("admin",)),
    ]


@hookimpl
def menu_items(menu, user):
    if menu == "admin":
        return [
            MenuItem(_l("Plugins"), "admin.plugins", 10, "core.admin"),
            MenuItem(_l("Users"), "admin.users", 20, "core.admin"),
            MenuItem(_l("Roles"), "admin.roles", 30, "core.admin"),
            MenuItem(_l("Org units"), "admin.org_units", 40, "core.admin"),
            MenuItem(_l("Settings"), "admin.settings", 50, "core.admin"),
            MenuItem(_l("Letterhead"), "documents.letterhead", 55, "core.admin"),
            MenuItem(_l("Audit trail"), "admin.audit", 60, "core.audit_view"),
            MenuItem(_l("Sign-ins"), "admin.sign_ins", 65, "core.admin"),
        ]
    if menu == "main":
        return [MenuItem(_l("Documents"), "documents.index", 900)]
    return []


@hookimpl
def scope_query(model, user, action):
    return default_rule(model, user, action)


@hookimpl
def register_audit_labels():
    from .registry import AuditLabels

    kinds = {"company": _l("Company"), "branch": _l("Branch company"), "office": _l("Office"),
             "store": _l("Store"), "bank_branch": _l("Bank branch")}
    return [
        AuditLabels("core_user", _l("User"), {
            "username": _l("Username"), "full_name": _l("Full name"), "email": _l("Email"),
            "locale": _l("Language"), "active": _l("Active"), "org_unit_id": _l("Org unit")},
            {"locale": {"zh_CN": "中文", "en": "English"}}),
        AuditLabels("core_org_unit", _l("Org unit"), {
            "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "parent_id": _l("Parent"),
            "active": _l("Active")}, {"kind": kinds}),
        AuditLabels("core_role", _l("Role"), {"name": _l("Name"), "label": _l("Name")}),
        AuditLabels("core_plugin_state", _l("Plugin"), {
            "name": _l("Plugin"), "enabled": _l("Enabled"), "changed_by": _l("Who")}),
        AuditLabels("core_plugin_scope", _l("Plugin"), {
            "plugin": _l("Plugin"), "org_unit_id": _l("Org unit"), "changed_by": _l("Who")}),
        AuditLabels("core_setting", _l("Settings"), {"key": _l("Setting"), "value": _l("Value")}),
    ]


@hookimpl
def register_settings():
    return [
        SettingSpec("core.company_name", "str", "渠道示范有限公司", _l("Company name")),
        SettingSpec("core.company_address", "str", "", _l("Company address")),
        SettingSpec("core.company_tax_number", "str", "", _l("Company tax number")),
        SettingSpec("core.company_phone", "str", "", _l("Company phone")),
        # core.clock: the zone of every date and time shown and of "today".
        SettingSpec("core.timezone", "choice", "Asia/Shanghai", _l("Company time zone"),
                    _l("Every date and time is shown in it, and business dates (today, this "
                       "month) follow its calendar, whatever the server's zone."),
                    choices=ZONES),
        SettingSpec("core.attachment_max_mb", "int", 10, _l("Largest upload (MB)"),
                    minimum=1, maximum=100),
        # core.datewindow: the outer bounds of any business date and numbering year.
        SettingSpec("core.date_years_back", "int", 10,
                    _l("Earliest business date accepted (years before today)"),
                    minimum=1, maximum=100),
        SettingSpec("core.date_days_ahead", "int", 366,
                    _l("Latest business date accepted (days after today)"),
                    minimum=0, maximum=3660),
    ]


@hookimpl
def register_job_handlers():
    from .documents.batch import KIND, render_batch

    return {KIND: render_batch}


@hookimpl
def dashboard_widgets(session, user):
    return [Widget(_l("My account"), "core/widget_me.html", {}, sequence=1000)]
