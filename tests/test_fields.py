"""core.fields: what a person typed into one field, read for a service —
plain numbers only (no 1e6, NaN, Infinity), limits named by the field,
in Chinese by default."""
from datetime import date
from decimal import Decimal

import pytest

from core import fields
from core.services import ServiceError


@pytest.mark.parametrize("raw", ["1e6", "1E3", "NaN", "Infinity", "-inf", "12abc", "1.2.3", "０x1"])
def test_a_number_in_anything_but_plain_notation_is_refused(app, raw):
    with app.test_request_context(), pytest.raises(ServiceError, match="^重量必须是数字。$"):
        fields.to_decimal(raw, "重量")


def test_plain_numbers_with_thousands_commas_are_read_exactly(app):
    assert fields.to_decimal("1,234.50", "Amount") == Decimal("1234.50")
    assert fields.to_decimal(" 7 ", "Amount") == Decimal("7")
    assert fields.to_decimal("2.345", "Amount", places=2) == Decimal("2.35")
    assert fields.to_decimal("", "Amount", allow_blank=True) is None


def test_limits_name_the_field(app):
    with app.test_request_context():
        with pytest.raises(ServiceError, match="^定金不能小于 0。$"):
            fields.to_decimal("-1", "定金")
        with pytest.raises(ServiceError, match="^定金必须大于零。$"):
            fields.to_decimal("0", "定金", positive=True)
        with pytest.raises(ServiceError, match="^定金不能大于 100。$"):
            fields.to_decimal("100.01", "定金", maximum=Decimal(100))
        with pytest.raises(ServiceError, match="^定金数值过大。$"):
            fields.to_decimal("1000000000000000", "定金", minimum=None)
        with pytest.raises(ServiceError, match="^件数必须是整数。$"):
            fields.to_int("1.5", "件数")
        with pytest.raises(ServiceError, match="^件数数值过大。$"):
            fields.to_int(str(2**31), "件数")
        with pytest.raises(ServiceError, match="^交货日期必须是日期"):
            fields.to_date("2026-02-30", "交货日期")
        with pytest.raises(ServiceError, match="^名称太长（最多 10 个字符）。$"):
            fields.required_text("x" * 11, "名称", max_len=10)
        with pytest.raises(ServiceError, match="^请填写名称。$"):
            fields.required_text("  ", "名称")
    assert fields.to_int("-3", "Count", minimum=None) == -3
    assert fields.to_date("2026-02-28", "Due") == date(2026, 2, 28)
    assert fields.optional_text("  ", "Note") is None


def test_messages_are_in_the_readers_language(app):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(ServiceError) as e:
            fields.to_decimal("1e6", "Weight")
        assert str(e.value) == "Weight must be a number."
