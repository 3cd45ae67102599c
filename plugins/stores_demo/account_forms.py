"""WTForms of the key-account pages (Flask-WTF: CSRF on every POST).
Choices are filled by the views; the rules live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.versions import VersionField

from .account_labels import FIELD_LABELS as L


class ProfileForm(FlaskForm):
    version = VersionField()
    mobile = StringField(L["mobile"], validators=[Length(max=40)])
    is_organisation = BooleanField(L["is_organisation"])
    lead_source = SelectField(L["lead_source"], validate_choice=False)
    introducer_id = StringField(L["introducer_id"], validators=[Length(max=200)])  # the record picker
    competitor_brands = StringField(L["competitor_brands"], validators=[Length(max=200)])
    economy = TextAreaField(L["economy"])
    health = TextAreaField(L["health"])
    family = TextAreaField(L["family"])
    work = TextAreaField(L["work"])
    social_circle = TextAreaField(L["social_circle"])
    hobbies = TextAreaField(L["hobbies"])
    culture = TextAreaField(L["culture"])
    aspirations = TextAreaField(L["aspirations"])
    personality = TextAreaField(L["personality"])
    pieces_owned = TextAreaField(L["pieces_owned"])
    needs = TextAreaField(L["needs"])
    buying_habits = TextAreaField(L["buying_habits"])
    purchase_purposes = TextAreaField(L["purchase_purposes"])
    price_sensitivity = SelectField(L["price_sensitivity"], validate_choice=False)
    product_sensitivity = SelectField(L["product_sensitivity"], validate_choice=False)
    environment_sensitivity = SelectField(L["environment_sensitivity"], validate_choice=False)
    spend_to_income = SelectField(L["spend_to_income"], validate_choice=False)
    uniqueness_need = SelectField(L["uniqueness_need"], validate_choice=False)
    purchase_complexity = SelectField(L["purchase_complexity"], validate_choice=False)
    decision_maker = StringField(L["decision_maker"], validators=[Length(max=120)])
    buyer = StringField(L["buyer"], validators=[Length(max=120)])
    end_user = StringField(L["end_user"], validators=[Length(max=120)])
    need_department = StringField(L["need_department"], validators=[Length(max=120)])
    deciding_department = StringField(L["deciding_department"], validators=[Length(max=120)])


class NewAccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), validate_choice=False)
    mobile = StringField(L["mobile"], validators=[Length(max=40)])
    is_organisation = BooleanField(L["is_organisation"])
    lead_source = SelectField(L["lead_source"], validate_choice=False)
    introducer_id = StringField(L["introducer_id"], validators=[Length(max=200)])  # the record picker


class MoveForm(FlaskForm):
    from_stage = StringField()
    to_stage = SelectField(_l("Move to"), validate_choice=False)
    moved_on = DateField(_l("Date"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class ContactLogForm(FlaskForm):
    channel = SelectField(_l("Channel"), validate_choice=False)
    contacted_on = DateField(_l("Contact date"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), validate_choice=False)
    next_contact_on = DateField(_l("Next contact"), validators=[Optional()])
    template_id = SelectField(_l("Message template"), validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Length(max=4000)])


class TemplateForm(FlaskForm):
    channel = SelectField(_l("Channel"), validate_choice=False)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    subject = StringField(_l("Subject (e-mail)"), validators=[Length(max=200)])
    body = TextAreaField(_l("Message or script"), validators=[DataRequired()])
    active = BooleanField(_l("Offered to developers"), default=True)


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HandoverForm(FlaskForm):
    from_user_id = SelectField(_l("Leaving developer"), validate_choice=False)
    to_user_ids = MultiCheckbox(_l("Colleagues taking the accounts"))
    rule = SelectField(_l("Rule"), validate_choice=False)
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
