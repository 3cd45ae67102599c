"""Mask rules of core.privacy (issue 18): each keeps exactly what its rule
allows, never more, and never fails on None, short or odd values."""
import pytest

from core import privacy
from core.privacy import (mask, mask_address, mask_bank_card, mask_email, mask_id_card,
                          mask_landline, mask_mobile, mask_name, mask_phone)


def test_mobile_keeps_first_three_and_last_four():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("+86 138-1234-5678") == "138****5678"
    assert mask_mobile(" 138 1234 5678 ") == "138****5678"


def test_id_card_keeps_first_three_and_last_four():
    assert mask_id_card("110101199003071234") == "110***********1234"
    assert mask_id_card("11010119900307123x") == "110***********123X"
    assert mask_id_card("110101900307123") == "110********7123"  # the old 15 digits


def test_landline_keeps_area_code_and_last_four():
    assert mask_landline("0571-87654321") == "0571-****4321"
    assert mask_landline("010-62345678") == "010-****5678"
    assert mask_landline("87654321") == "****4321"
    assert mask_phone("0571-87654321") == "0571-****4321"
    assert mask_phone("13812345678") == "138****5678"


def test_bank_card_keeps_last_four_grouped():
    assert mask_bank_card("6222 0212 3456 7890 123") == "**** **** **** 0123"
    assert mask_bank_card("6222021234567890") == "**** **** **** 7890"


def test_address_keeps_province_and_city():
    assert mask_address("浙江省杭州市西湖区文三路 1 号") == "浙江省杭州市****"
    assert mask_address("北京市朝阳区建国路 88 号") == "北京市****"
    assert mask_address("新疆维吾尔自治区乌鲁木齐市天山区 3 号") == "新疆维吾尔自治区乌鲁木齐市****"
    assert mask_address("文三路 1 号") == "****"
    assert mask_address("12 Main Street") == "****"


def test_email_keeps_first_letter_and_domain():
    assert mask_email("alice@example.com") == "a***@example.com"
    assert mask_email("a@example.com") == "***@example.com"
    assert mask_email("not-an-address") == "****"


def test_name():
    assert mask_name("张三丰") == "张**"
    assert mask_name("张") == "*"


@pytest.mark.parametrize("fn", [mask_mobile, mask_landline, mask_phone, mask_id_card,
                                mask_bank_card, mask_address, mask_email, mask_name])
@pytest.mark.parametrize("value", [None, "", "   ", "1", "12", "1234", "12345", "1234567",
                                   "abc", "@", "@@", "--", "省市", 12345678901, "１３８"])
def test_short_and_odd_values_never_crash_nor_show_too_much(fn, value):
    out = fn(value)
    assert isinstance(out, str)
    text = "" if value is None else str(value).strip()
    if fn is mask_address and "*" not in out:
        return  # a bare region ("省市") has nothing below it to hide
    # at most 70 % of the characters stay readable, and never a short value whole
    shown = sum(1 for ch in out if ch not in "*-@ ")
    assert shown <= 0.7 * max(len(text), 1)


def test_short_mobile_shows_fewer_digits_not_more():
    assert mask_mobile("1381234") == "1****34"
    assert mask_mobile("123") == "***"


def test_unknown_kind_hides_everything():
    assert mask("secret", "nope") == privacy.STARS
    assert mask(None, "nope") == ""
