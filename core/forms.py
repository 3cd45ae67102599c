"""WTForms for the admin pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, PasswordField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from .models import OrgUnit
from .versions import VersionField


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    version = VersionField()
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64),
                                                       Regexp(r"^[\w.@-]+$")])
    full_name = StringField(_l("Full name"), validators=[Length(max=120)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=200)])
    org_unit_id = SelectField(_l("Org unit"), coerce=int)
    roles = MultiCheckbox(_l("Roles"), coerce=int)
    locale = SelectField(_l("Language"), choices=[("zh_CN", "中文"), ("en", "English")])
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password (leave empty to keep / generate)"),
                             validators=[Optional(), Length(min=8, max=256)])


class RoleForm(FlaskForm):
    version = VersionField()
    name = StringField(_l("Code"), validators=[DataRequired(), Length(max=40),
                                               Regexp(r"^[a-z][a-z0-9_]*$")])
    label = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    scope = SelectField(_l("Row access"), choices=[
        ("own", _l("Own records")), ("org", _l("Own org unit and below")), ("all", _l("Everything"))])
    read_only = BooleanField(_l("Read-only"))
    permissions = MultiCheckbox(_l("Permissions"))


class OrgUnitForm(FlaskForm):
    version = VersionField()
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32),
                                               Regexp(r"^[A-Za-z0-9_-]+$")])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[
        ("company", _l("Company")), ("branch", _l("Branch company")), ("office", _l("Office")),
        ("bank_branch", _l("Bank branch")), ("store", _l("Store"))])
    parent_id = SelectField(_l("Parent"), coerce=int)
    active = BooleanField(_l("Active"), default=True)


class ReasonForm(FlaskForm):
    """An empty form: just the CSRF token for button-only POSTs."""


class PluginSwitchForm(FlaskForm):
    """Enabling or disabling a plugin: why (kept in the audit trail)."""

    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give a reason for this change.")), Length(max=2000)])
    with_deps = HiddenField()


class PluginScopeForm(FlaskForm):
    """The org units whose subtrees use a plugin (none ticked: the whole
    company), and why (kept in the audit trail)."""

    org_units = MultiCheckbox(_l("Used by these org units and the units below them"),
                              coerce=int)
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give a reason for this change.")), Length(max=2000)])


def org_choices(units: list[OrgUnit], blank: str | None = None) -> list[tuple[int, str]]:
    units = sorted(units, key=lambda u: u.path)
    depth = {u.id: u.path.count("/") - 2 for u in units}
    out = [(0, blank)] if blank is not None else []
    out += [(u.id, "　" * depth[u.id] + f"{u.name} ({u.code})") for u in units]
    return out
