"""The demo office: about 200 believable customers across kinds, grades and
regions, with contacts and three months of visits."""
from datetime import date, timedelta

from sqlalchemy import func, select

from core import bootstrap
from plugins.customers.models import Contact, Customer, Visit
from core import clock


def test_demo_data(app, db):
    with app.extensions["qudao"].db.session() as s:
        bootstrap.load_demo(s)
    n = db.scalar(select(func.count()).select_from(Customer))
    assert 190 <= n <= 230
    grades = dict(db.execute(select(Customer.grade, func.count()).group_by(Customer.grade)).all())
    assert grades["A"] > 0 and grades["B"] > 0 and grades["C"] > grades["A"]
    assert db.scalar(select(func.count(func.distinct(Customer.city)))) >= 4
    statuses = set(db.scalars(select(Customer.status).distinct()))
    assert {"prospect", "applying", "active", "suspended", "eliminated"} <= statuses
    assert db.scalar(select(func.count()).select_from(Contact)) >= n
    first = db.scalar(select(func.min(Visit.visit_date)).where(Visit.state == "done"))
    assert clock.today() - timedelta(days=95) <= first <= clock.today() - timedelta(days=80)
    assert db.scalar(select(func.count()).select_from(Visit).where(Visit.visit_date == clock.today(),
                                                                  Visit.state == "planned")) > 0
    name = db.scalar(select(Customer.name).limit(1))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in name)


def test_recomputing_grades_keeps_the_demo_as_it_is(app, db):
    """Issue 21 #8: recomputing took a customer's purchases from ¥28,620 to
    ¥0 and reshuffled the grades; the demo's purchases are now recorded and
    graded by the grading itself."""
    from plugins.customers.services import grading

    with app.extensions["qudao"].db.session() as s:
        bootstrap.load_demo(s)
        s.commit()
    from core.models import OrgUnit

    office = db.scalar(select(OrgUnit.id).where(OrgUnit.code == "HZ-OFFICE"))
    graded = select(Customer.id, Customer.grade, Customer.grade_computed,
                    Customer.grade_amount).where(Customer.status.in_(grading.GRADED_STATUSES),
                                                 Customer.org_unit_id == office)
    before = {r.id: r for r in db.execute(graded)}
    assert len(before) > 100
    assert all(r.grade_amount > 0 for r in before.values())
    assert len({r.grade_computed for r in before.values()}) == 3
    db.rollback()
    with app.extensions["qudao"].db.session() as s:
        grading.recompute(s)
        s.commit()
    db.rollback()
    after = {r.id: r for r in db.execute(graded)}
    assert after == before
