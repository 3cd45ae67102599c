"""Two people act on one customer record at the same moment (issue 20): the
state is checked under the record's lock, so one goes through and the other
is refused with a message — on SQLite and on PostgreSQL.  Each action runs
in its own thread, app context and session (the ``race`` fixture)."""
from __future__ import annotations

import io
from datetime import date, datetime

from core.models import User
from core.services import ServiceError
from plugins.customers.services import opening, visits
from plugins.customers.models import Application, Customer, Visit

from .conftest import uscc_code

PDF = b"%PDF-1.4\n%test\n"


def refused(result, text: str) -> bool:
    return isinstance(result, ServiceError) and text in str(result)


def test_an_application_approved_and_rejected_at_once_is_decided_once(db, people, new_customer,
                                                                      race):
    c = db.get(Customer, new_customer(people["sales1"], legal_person="王建华",
                                      licence_no=uscc_code(21)).id)
    a = opening.start(db, c)
    for d in opening.DOCUMENTS:
        opening.upload(db, a, d, io.BytesIO(PDF), f"{d}.pdf", people["sales1"].id)
    opening.submit(db, a, db.merge(people["sales1"]))
    db.commit()
    app_id, cid = a.id, c.id

    def approve(s):
        opening.approve(s, s.get(Application, app_id), s.get(User, people["manager"].id))
        return "approved"

    def reject(s):
        opening.reject(s, s.get(Application, app_id), s.get(User, people["boss"].id), "资料不实")
        return "rejected"

    results = race(approve, reject)
    wins = [r for r in results if not isinstance(r, ServiceError)]
    assert len(wins) == 1, results
    assert any(refused(r, "Only a submitted application can be decided") for r in results), results
    db.expire_all()  # read what the two threads committed
    assert db.get(Application, app_id).state == wins[0]
    assert db.get(Customer, cid).status == ("active" if wins[0] == "approved" else "prospect")


def test_a_visit_cancelled_while_it_is_recorded_is_one_or_the_other(db, people, new_customer,
                                                                    race):
    c = new_customer(people["sales1"], status="active")
    s1 = db.get(User, people["sales1"].id)
    day = date(2026, 3, 16)
    vid = visits.plan(db, db.get(Customer, c.id), s1, day, "service", ["press_stock"]).id
    db.commit()

    def record(s):
        visits.record(s, s.get(Visit, vid), time_in=datetime(2026, 3, 16, 9),
                      time_out=datetime(2026, 3, 16, 10), objective_met=True)
        return "done"

    def cancel(s):
        visits.cancel(s, s.get(Visit, vid), "客户不在")
        return "cancelled"

    results = race(record, cancel)
    wins = [r for r in results if not isinstance(r, ServiceError)]
    assert len(wins) == 1, results
    assert any(refused(r, "cancelled") or refused(r, "Only a planned visit") for r in results)
    db.expire_all()  # read what the two threads committed
    assert db.get(Visit, vid).state == wins[0]
    assert db.get(Customer, c.id).last_visit_on == (day if wins[0] == "done" else None)


def test_an_application_approved_while_the_customer_is_eliminated_is_refused(db, people,
                                                                            new_customer, race):
    """The customer's own status is checked under the customer's lock: an
    approval arriving while another request eliminates the customer waits for
    it and is refused, instead of making the eliminated customer active."""
    import threading
    import time

    from core.services import lock

    c = db.get(Customer, new_customer(people["sales1"], legal_person="李国强",
                                      licence_no=uscc_code(22)).id)
    a = opening.start(db, c)
    for d in opening.DOCUMENTS:
        opening.upload(db, a, d, io.BytesIO(PDF), f"{d}.pdf", people["sales1"].id)
    opening.submit(db, a, db.merge(people["sales1"]))
    db.commit()
    app_id, cid = a.id, c.id
    locked = threading.Event()

    def eliminate(s):  # e.g. an import that closes the customer
        cust = lock(s, Customer, cid)
        cust.status, cust.status_reason = "eliminated", "停业"
        s.flush()
        locked.set()
        time.sleep(0.5)  # the approval arrives while this holds the customer
        s.commit()
        return "eliminated"

    def approve(s):
        assert locked.wait(30)
        opening.approve(s, s.get(Application, app_id), s.get(User, people["manager"].id))
        return "approved"

    results = race(eliminate, approve)
    assert results[0] == "eliminated"
    assert refused(results[1], "This customer is no longer applying for an account"), results
    db.expire_all()  # read what the two threads committed
    assert db.get(Customer, cid).status == "eliminated"
    assert db.get(Application, app_id).state == "submitted"


def test_one_legal_entity_created_twice_at_once_as_licence_and_as_tax_number(db, people, race):
    """Issue 21 #2: no unique index sees a credit code typed as one
    customer's licence number and as another's tax number; the check runs
    under the customer sequence's lock, so one of two creations at once wins."""
    from sqlalchemy import func, select

    from plugins.customers.services.master import create_customer

    code = uscc_code(61)
    unit, owner = people["sales1"].org_unit_id, people["sales1"].id

    def by_licence(s):
        create_customer(s, name="甲", kind="general", org_unit_id=unit, owner_id=owner,
                        licence_no=code)
        return "licence"

    def by_tax(s):
        create_customer(s, name="乙", kind="general", org_unit_id=unit, owner_id=owner,
                        tax_no=code)
        return "tax"

    results = race(by_licence, by_tax)
    assert len([r for r in results if not isinstance(r, ServiceError)]) == 1, results
    assert any(refused(r, "one legal entity, one account") for r in results), results
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Customer)) == 1
