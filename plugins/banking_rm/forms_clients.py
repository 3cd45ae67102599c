"""WTForms of the retail-client pages (Flask-WTF: CSRF on every POST)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.versions import VersionField

from .models.clients import CUSTOMER_RISK_LEVELS, ORIENTATIONS, POTENTIALS, PRODUCT_KINDS, RISK_LEVELS, TEMPERAMENTS


def _none_choice(values, labels: dict | None = None):
    labels = labels or {}
    return [("", "—")] + [(v, str(labels.get(v, v))) for v in values]


class ProfileForm(FlaskForm):
    version = VersionField()
    potential = SelectField(_l("Growth potential"), choices=[(p, p) for p in POTENTIALS])
    orientation = SelectField(_l("Value orientation"), choices=_none_choice(ORIENTATIONS))
    temperament = SelectField(_l("Temperament"), choices=_none_choice(TEMPERAMENTS))
    birthday = DateField(_l("Birthday"), validators=[Optional()])
    id_number = StringField(_l("ID number"), validators=[Optional(), Length(max=18)])
    card_number = StringField(_l("Bank-card number"), validators=[Optional(), Length(max=30)])
    risk_level = SelectField(_l("Risk level (questionnaire)"), choices=_none_choice(CUSTOMER_RISK_LEVELS))
    risk_assessed_on = DateField(_l("Questionnaire date"), validators=[Optional()])
    household_id = SelectField(_l("Household"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                               validate_choice=False)
    new_household = StringField(_l("…or a new household named"), validators=[Optional(), Length(max=80)])
    household_role = SelectField(_l("Role in the household"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class DateForm(FlaskForm):
    label = StringField(_l("Occasion"), validators=[DataRequired(), Length(max=60)])
    on = DateField(_l("Date"), validators=[DataRequired()])


class SaleForm(FlaskForm):
    kind = SelectField(_l("Product kind"), choices=[(k, k) for k in PRODUCT_KINDS])
    product_name = StringField(_l("Product"), validators=[DataRequired(), Length(max=120)])
    amount = StringField(_l("Amount (CNY)"), validators=[DataRequired(), Length(max=24)])
    start_on = DateField(_l("Start date"), validators=[DataRequired()])
    maturity_on = DateField(_l("Maturity date"), validators=[Optional()])
    yield_rate = StringField(_l("Yield (% a year)"), validators=[Optional(), Length(max=12)])
    risk_level = SelectField(_l("Product risk level"), choices=[("", "—")] + [(r, r) for r in RISK_LEVELS])
    recording_ref = StringField(_l("Recording reference (双录)"), validators=[Optional(), Length(max=60)])
    elderly_confirmed = BooleanField(_l("Elderly customer: risks explained again and purchase confirmed"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class CloseForm(FlaskForm):
    closed_on = DateField(_l("Closed on"), validators=[DataRequired()])


class CensusForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    kind = SelectField(_l("Product kind"), choices=[(k, k) for k in PRODUCT_KINDS])
    present = IntegerField(_l("Customers present"), validators=[DataRequired(), NumberRange(min=1, max=10000)])
    holders = IntegerField(_l("Raised hands (already hold it)"), validators=[Optional(), NumberRange(min=0, max=10000)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class CardForm(FlaskForm):
    version = VersionField()
    kind = SelectField(_l("Product kind"), choices=[(k, k) for k in PRODUCT_KINDS])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    feature = TextAreaField(_l("Feature"), validators=[DataRequired(), Length(max=2000)])
    advantage = TextAreaField(_l("Advantage"), validators=[DataRequired(), Length(max=2000)])
    benefit = TextAreaField(_l("Benefit"), validators=[DataRequired(), Length(max=2000)])
    evidence = TextAreaField(_l("Evidence"), validators=[DataRequired(), Length(max=2000)])
