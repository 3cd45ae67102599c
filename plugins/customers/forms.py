"""WTForms of the customers pages (Flask-WTF: CSRF on every POST)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from core.versions import VersionField


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CustomerForm(FlaskForm):
    version = VersionField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"))
    tags = StringField(_l("Tags"), validators=[Length(max=255)])
    # The region picker (issue 21 #5): choices from the national division
    # list, set by the view (``region_choices``); the service checks the
    # three belong together.
    province = SelectField(_l("Province"), validate_choice=False)
    city = SelectField(_l("City"), validate_choice=False)
    county = SelectField(_l("County / district"), validate_choice=False)
    town = StringField(_l("Town / street"), validators=[Length(max=60)])
    address = StringField(_l("Address"), validators=[Length(max=255)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    legal_person = StringField(_l("Legal person"), validators=[Length(max=80)])
    licence_no = StringField(_l("Unified social credit code"), validators=[Length(max=18)])
    tax_no = StringField(_l("Tax number"), validators=[Length(max=30)])
    boss_family = TextAreaField(_l("Boss: family"))
    boss_hobbies = TextAreaField(_l("Boss: hobbies"))
    boss_personality = TextAreaField(_l("Boss: personality"))
    real_decider = StringField(_l("Who really decides"), validators=[Length(max=120)])
    notes = TextAreaField(_l("Notes"))


class ContactForm(FlaskForm):
    version = VersionField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    role = StringField(_l("Role"), validators=[Length(max=80)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    wechat = StringField(_l("WeChat"), validators=[Length(max=80)])
    # WTForms' Email() needs the email_validator package, which is not a
    # dependency: every contact with an address answered 500 (issue 20).
    email = StringField(_l("Email"), validators=[
        Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid email address.")),
        Length(max=200)])
    birthday = DateField(_l("Birthday"), validators=[Optional()])
    is_decider = BooleanField(_l("Decides purchases"))
    notes = TextAreaField(_l("Notes"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class EmptyForm(FlaskForm):
    """Just the CSRF token, for button-only POSTs."""


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ReassignForm(FlaskForm):
    owner_id = SelectField(_l("New owner"), coerce=int)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class GradeForm(FlaskForm):
    grade = SelectField(_l("Manual grade"), choices=[("", _l("— computed —")), ("A", "A"),
                                                      ("B", "B"), ("C", "C")])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class LoyaltyForm(FlaskForm):
    loyalty_type = SelectField(_l("Loyalty type"))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class ManForm(FlaskForm):
    money = BooleanField(_l("M — has the money to buy"))
    authority = BooleanField(_l("A — has authority to decide"))
    need = BooleanField(_l("N — has the need"))
    interest_product = BooleanField(_l("Interested in the product"))
    interest_buying = BooleanField(_l("Interested in buying"))
    needs_met = BooleanField(_l("The product meets their needs"))
    trust_product = BooleanField(_l("Trusts the product"))
    good_impression = BooleanField(_l("Good impression of our company"))
    credit_status = StringField(_l("Credit status"), validators=[Length(max=255)])
    payment_plan = StringField(_l("Payment plan"), validators=[Length(max=255)])
    notes = TextAreaField(_l("Notes"))


def _score(label):
    return IntegerField(label, validators=[DataRequired(), NumberRange(min=1, max=5)])


class EvaluationForm(FlaskForm):
    version = VersionField()
    # A picker of this period and the ones before it (choices set by the view).
    period = SelectField(_l("Period"), validators=[DataRequired()], validate_choice=False)
    transaction = _score(_l("Transaction (交易性)"))
    profitability = _score(_l("Profitability (收益性)"))
    safety = _score(_l("Safety / credit (安全性)"))
    growth = _score(_l("Growth (发展性)"))
    cooperation = _score(_l("Cooperation (合作性)"))
    notes = TextAreaField(_l("Notes"))


class VisitPlanForm(FlaskForm):
    visit_date = DateField(_l("Date"), validators=[DataRequired()])
    purpose = SelectField(_l("Purpose"))
    objectives = MultiCheckbox(_l("Objectives"))
    note = TextAreaField(_l("Other objective"))


class VisitRecordForm(FlaskForm):
    version = VersionField()
    time_in = DateTimeLocalField(_l("Time in"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired()])
    time_out = DateTimeLocalField(_l("Time out"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired()])
    first_visit = BooleanField(_l("First visit in a new territory"))
    found_stock = TextAreaField(_l("Customer stock found"))
    found_samples = TextAreaField(_l("Sample units"))
    open_issues = TextAreaField(_l("Open issues"))
    recent_sales = TextAreaField(_l("Sales of the last months"))
    competitor_notes = TextAreaField(_l("Competitor information"))
    agreed_actions = TextAreaField(_l("Agreed actions"))
    objective_met = SelectField(_l("Objective met?"),
                                choices=[("", "—"), ("1", _l("Yes")), ("0", _l("No"))])
    next_visit_on = DateField(_l("Next visit"), validators=[Optional()])
    followup_title = StringField(_l("Follow-up task"), validators=[Length(max=255)])
    followup_due = DateField(_l("Follow-up due"), validators=[Optional()])


class FollowUpForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=255)])
    due_on = DateField(_l("Due"), validators=[DataRequired()])


class UploadForm(FlaskForm):
    purpose = SelectField(_l("Document"))
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired()])


class ImportForm(FlaskForm):
    file = FileField(_l("File (.xlsx or .csv)"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Only check, import nothing"))


def region_choices(form) -> None:
    """Province, city and county options of the region picker: every
    province, the cities of the chosen province, the counties of the chosen
    city.  A saved value that is not in the list stays offered (marked), so
    an edit shows what is there."""
    from .services import divisions

    empty = [("", "—")]
    p_name = form.province.data or ""
    c_name = form.city.data or ""
    p, c, _k = divisions.resolve(p_name, c_name)
    levels = ((form.province, divisions.provinces()), (form.city, divisions.children(p)),
              (form.county, divisions.children(c)))
    for field, options in levels:
        names = [d.name for d in options]
        choices = empty + [(n, n) for n in names]
        value = field.data or ""
        if value and value not in names:
            choices.append((value, str(_l("%(value)s (not in the division list)", value=value))))
        field.choices = choices
