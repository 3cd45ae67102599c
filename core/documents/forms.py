"""Forms of the document pages (Flask-WTF: CSRF on every POST)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class VerifyForm(FlaskForm):
    file = FileField(_l("PDF file"))
    sha256 = StringField(_l("or its SHA-256"), validators=[Optional(), Length(max=100)])


class BatchForm(FlaskForm):
    spec = SelectField(_l("Document"), validators=[DataRequired()])
    record_ids = TextAreaField(_l("Record IDs (one per line, or separated by commas)"),
                               validators=[DataRequired(), Length(max=200000)])
    locale = SelectField(_l("Language"), choices=[("zh_CN", "中文"), ("en", "English")])


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo (PNG or JPEG)"))
