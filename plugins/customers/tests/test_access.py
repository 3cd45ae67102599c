"""Owner / org-unit access on every page, export, PDF and visit route;
reassignment is a manager action, audited."""
import io
from datetime import date

import pytest
from sqlalchemy import select

from core.models import AuditLog
from core.services import ServiceError
from plugins.customers.services import opening, master, visits
from plugins.customers.models import Contact, Customer, FollowUp

from .conftest import uscc_code, login
from core import clock



@pytest.fixture
def theirs(app, db, people, new_customer):
    """sales2's customer with a contact, a visit, a follow-up and an application."""
    c = db.get(Customer, new_customer(people["sales2"], name="张伟的客户", legal_person="赵",
                                      licence_no=uscc_code(42)).id)
    contact = master.save_contact(db, c, name="赵老板", phone="13800000000")
    s2 = db.merge(people["sales2"])
    v = visits.plan(db, c, s2, clock.today(), "service", ["collect_payment"])
    task = visits.add_followup(db, c, s2.id, "回款", clock.today())
    a = opening.start(db, c)
    att = opening.upload(db, a, opening.LICENCE, io.BytesIO(b"%PDF-1.4 x"), "l.pdf", s2.id)
    db.commit()
    return {"c": c.id, "contact": contact.id, "visit": v.id, "task": task.id, "app": a.id,
            "att": att.id}


GETS = [
    "/customers/{c}", "/customers/{c}/edit", "/customers/{c}/export.xlsx", "/customers/{c}/export.csv",
    "/customers/{c}/man", "/customers/{c}/evaluate", "/customers/{c}/visits/new",
    "/customers/{c}/followups/new", "/customers/{c}/contacts/new", "/customers/contacts/{contact}/edit",
    "/customers/visits/{visit}", "/customers/visits/{visit}/record",
    "/customers/applications/{app}", "/attachments/{att}",
]
POSTS = [
    "/customers/{c}/card", "/customers/{c}/status", "/customers/{c}/loyalty", "/customers/{c}/edit",
    "/customers/{c}/man", "/customers/{c}/evaluate", "/customers/{c}/visits/new",
    "/customers/{c}/followups/new", "/customers/{c}/application", "/customers/contacts/{contact}/delete",
    "/customers/visits/{visit}/record", "/customers/visits/{visit}/cancel",
    "/customers/followups/{task}/done", "/customers/applications/{app}/upload",
    "/customers/applications/{app}/submit",
]


def test_salesperson_gets_404_for_anothers_records(client, people, theirs):
    """Detail, edit, export, PDF, visit, contact, application and attachment pages."""
    login(client, "sales1")
    got = {url: client.get(url.format(**theirs)).status_code for url in GETS}
    assert got == {url: 404 for url in GETS}


def test_salesperson_cannot_post_to_anothers_records(client, db, people, theirs):
    login(client, "sales1")
    got = {url: client.post_form(url.format(**theirs), {"reason": "x", "status": "eliminated",
                                                         "name": "x"}).status_code
           for url in POSTS}
    assert got == {url: 404 for url in POSTS}
    c = db.get(Customer, theirs["c"])
    assert c.status == "prospect" and c.name == "张伟的客户"
    assert db.get(Contact, theirs["contact"]) is not None
    assert db.get(FollowUp, theirs["task"]).done_at is None


def test_owner_and_unit_manager_see_it_other_unit_manager_does_not(client, people, theirs):
    urls = ["/customers/{c}", "/customers/visits/{visit}", "/customers/applications/{app}",
            "/customers/{c}/export.csv"]
    for user, status in (("sales2", 200), ("manager", 200), ("boss", 200), ("manager2", 404)):
        login(client, user)
        got = {u: client.get(u.format(**theirs)).status_code for u in urls}
        assert got == {u: status for u in urls}, user


def test_list_and_export_show_only_own_customers(client, people, theirs, new_customer):
    new_customer(people["sales1"], name="李明的客户")
    login(client, "sales1")
    html = client.get("/customers/").get_data(as_text=True)
    assert "李明的客户" in html and "张伟的客户" not in html
    csv_text = client.get("/customers/export.csv").get_data().decode("utf-8-sig")
    assert "李明的客户" in csv_text and "张伟的客户" not in csv_text
    login(client, "manager")
    html = client.get("/customers/").get_data(as_text=True)
    assert "李明的客户" in html and "张伟的客户" in html


def test_auditor_reads_but_never_writes(client, make_user, people, theirs):
    make_user("audit1", "auditor", "HQ")
    login(client, "audit1")
    assert client.get("/customers/{c}".format(**theirs)).status_code == 200
    assert client.post_form("/customers/{c}/loyalty".format(**theirs),
                            {"loyalty_type": "desperate"}).status_code == 403


def test_reassign_is_a_manager_action_and_audited(client, db, people, theirs):
    login(client, "sales2")
    r = client.post_form("/customers/{c}/reassign".format(**theirs),
                         {"owner_id": people["sales1"].id, "reason": "我不想跟了"})
    assert r.status_code == 403
    login(client, "manager")
    r = client.post_form("/customers/{c}/reassign".format(**theirs),
                         {"owner_id": people["sales1"].id, "reason": "张伟调岗，客户交给李明"})
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Customer, theirs["c"]).owner_id == people["sales1"].id
    row = db.scalars(select(AuditLog).where(AuditLog.record_id == str(theirs["c"]),
                                            AuditLog.reason == "张伟调岗，客户交给李明")).one()
    assert row.changes["owner_id"] == [people["sales2"].id, people["sales1"].id]
    assert row.user_id == people["manager"].id
    login(client, "sales1")
    assert client.get("/customers/{c}".format(**theirs)).status_code == 200


def test_manager_cannot_hand_a_customer_outside_the_unit(db, people, theirs):
    c = db.get(Customer, theirs["c"])
    with pytest.raises(ServiceError):
        master.reassign_owner(db, c, db.merge(people["manager2"]), "x", db.merge(people["manager"]))


def test_child_rows_are_scoped_through_the_customer(db, people, theirs):
    from core.access import scoped_select

    s1 = db.merge(people["sales1"])
    assert db.scalars(scoped_select(db, FollowUp, s1)).all() == []
    assert len(db.scalars(scoped_select(db, FollowUp, db.merge(people["sales2"]))).all()) == 1


def test_api_get_customer_is_scoped(db, people, theirs):
    from plugins.customers import api

    assert api.get_customer(db, theirs["c"], db.merge(people["sales1"])) is None
    assert api.get_customer(db, theirs["c"], db.merge(people["sales2"])).name == "张伟的客户"
    assert api.get_customer(db, theirs["c"]).name == "张伟的客户"
    ids = db.scalars(api.customer_ids_for(db.merge(people["sales1"]))).all()
    assert theirs["c"] not in ids
