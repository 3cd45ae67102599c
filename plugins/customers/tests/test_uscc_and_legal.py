"""Unified social credit code (GB 32100-2015) and "one legal entity, one account"."""
import pytest
from sqlalchemy import select

from core.models import AuditLog
from core.services import ServiceError
from plugins.customers.services import uscc
from plugins.customers.models import Customer
from plugins.customers.services.master import create_customer, set_status, update_customer

from .conftest import uscc_code
from core import clock



@pytest.mark.parametrize("code", [
    "91350100M000100Y43",   # the standard's worked example
    "91110000600037341L",   # check character computed to L
    "91330106MA2CFD4E5N".replace("N", uscc.check_char("91330106MA2CFD4E5")),
    "  91350100m000100y43 ",  # spaces and lower case are normalised
])
def test_good_codes_pass(code):
    assert uscc.is_valid(code)


@pytest.mark.parametrize("code, reason", [
    ("91350100M000100Y44", "checksum"),     # one check character off
    ("91350100M000100Y4", "length"),        # 17 characters
    ("91350100M000100Y433", "length"),      # 19 characters
    ("91350100M00010OY43", "characters"),   # letter O is not in the alphabet
    ("913501I0M000100Y43", "characters"),   # nor is I
    ("9135A100M000100Y43", "division"),     # characters 3–8 are digits
    ("91350100M000100Y34", "checksum"),     # swapped last two
])
def test_bad_codes_fail_with_reason(code, reason):
    assert uscc.problem(code) == reason


def test_customer_with_bad_code_is_refused(app, db, people):
    db.info  # noqa: B018
    with pytest.raises(ServiceError, match="GB 32100"):
        create_customer(db, name="坏代码商行", kind="general", org_unit_id=people["sales1"].org_unit_id,
                        owner_id=people["sales1"].id, licence_no="91350100M000100Y44")
    assert db.scalar(select(Customer.id)) is None


def test_duplicate_licence_refused_naming_existing_account(app, db, people, new_customer):
    first = new_customer(people["sales1"], name="诸暨顺发家电城", licence_no=uscc_code(1))
    with pytest.raises(ServiceError) as e:
        # another salesperson, same legal entity, lower-case input
        create_customer(db, name="顺发家电二店", kind="general",
                        org_unit_id=people["sales2"].org_unit_id, owner_id=people["sales2"].id,
                        licence_no=uscc_code(1).lower())
    assert first.code in str(e.value) and "诸暨顺发家电城" in str(e.value)


def test_duplicate_tax_number_refused_naming_existing_account(app, db, people, new_customer):
    first = new_customer(people["sales1"], name="德清宏达电器", tax_no="330521199001011234")
    with pytest.raises(ServiceError) as e:
        create_customer(db, name="宏达电器", kind="general", org_unit_id=people["sales1"].org_unit_id,
                        owner_id=people["sales1"].id, tax_no="330521199001011234")
    assert first.code in str(e.value) and "德清宏达电器" in str(e.value)


def test_editing_into_a_duplicate_is_refused(app, db, people, new_customer):
    new_customer(people["sales1"], name="甲", licence_no=uscc_code(7))
    other = new_customer(people["sales1"], name="乙")
    c = db.get(Customer, other.id)
    with pytest.raises(ServiceError, match="甲"):
        update_customer(db, c, licence_no=uscc_code(7))


def test_unknown_kind_refused(app, db, people):
    with pytest.raises(ServiceError, match="nosuchkind"):
        create_customer(db, name="x", kind="nosuchkind", org_unit_id=people["sales1"].org_unit_id)


def test_kinds_come_from_other_plugins(app, db):
    from plugins.customers.api import kinds

    codes = [k for k, _label in kinds(db)]
    assert {"general", "member", "traditional"} <= set(codes)


def test_code_comes_from_the_sequence(app, people, new_customer):
    from datetime import date

    a = new_customer(people["sales1"], name="甲")
    b = new_customer(people["sales1"], name="乙")
    y = clock.today().year
    assert (a.code, b.code) == (f"C{y}-00001", f"C{y}-00002")


# -- status life cycle -----------------------------------------------------
def test_status_change_needs_a_reason_and_lands_in_the_audit_trail(app, db, people, new_customer):
    c = db.get(Customer, new_customer(people["sales1"], status="active").id)
    with pytest.raises(ServiceError):
        set_status(db, c, "suspended", "  ")
    set_status(db, c, "suspended", "连续两个季度未提货", actor=db.merge(people["manager"]))
    db.commit()
    row = db.scalars(select(AuditLog).where(AuditLog.table_name == "customers_customer",
                                            AuditLog.record_id == str(c.id),
                                            AuditLog.action == "update")).all()[-1]
    assert row.changes["status"] == ["active", "suspended"]
    assert row.reason == "连续两个季度未提货"


def test_status_moves_follow_the_life_cycle(app, db, people, new_customer):
    c = db.get(Customer, new_customer(people["sales1"]).id)
    # a prospect becomes active only through an approved application
    with pytest.raises(ServiceError):
        set_status(db, c, "active", "跳过审批")
    with pytest.raises(ServiceError):
        set_status(db, c, "suspended", "原因")
    set_status(db, c, "eliminated", "MAN 全无，停止接触")
    assert c.status == "eliminated"


def test_salesperson_cannot_suspend_but_manager_can(app, db, people, new_customer):
    c = db.get(Customer, new_customer(people["sales1"], status="active").id)
    with pytest.raises(ServiceError, match="manager"):
        set_status(db, c, "suspended", "拖欠货款", actor=db.merge(people["sales1"]))
    set_status(db, c, "suspended", "拖欠货款", actor=db.merge(people["manager"]))
    assert c.status == "suspended"


@pytest.mark.parametrize("first_field,second_field", [
    ("licence_no", "tax_no"), ("tax_no", "licence_no"),
])
def test_every_identifier_is_checked_against_every_identifier_field(app, db, people, new_customer,
                                                                   first_field, second_field):
    """Issue 21 #2: since 2015 a company's tax number is its unified social
    credit code, so one typed as the other is still the same legal entity."""
    code = uscc_code(42)
    first = new_customer(people["sales1"], name="余杭鸿运电器", **{first_field: code})
    with pytest.raises(ServiceError) as e:
        create_customer(db, name="鸿运电器二店", kind="general",
                        org_unit_id=people["sales2"].org_unit_id, owner_id=people["sales2"].id,
                        **{second_field: code})
    assert first.code in str(e.value) and "余杭鸿运电器" in str(e.value) and code in str(e.value)
    other = new_customer(people["sales2"], name="鸿运电器三店")
    with pytest.raises(ServiceError, match="余杭鸿运电器"):
        update_customer(db, db.get(Customer, other.id), **{second_field: code})


def test_one_customer_may_give_its_code_as_its_tax_number(app, db, people, new_customer):
    c = new_customer(people["sales1"], name="临平新华电器", licence_no=uscc_code(43),
                     tax_no=uscc_code(43))
    update_customer(db, db.get(Customer, c.id), name="临平新华电器有限公司")
    assert db.get(Customer, c.id).tax_no == uscc_code(43)
