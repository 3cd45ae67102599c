"""Visits: plans with objectives, day route by area, records, follow-ups,
overdue list per grade frequency, weekly report."""
from datetime import date, datetime, timedelta

import pytest

from core import settings
from core.services import ServiceError
from plugins.customers.services import visits
from plugins.customers.models import Customer, Visit

from .conftest import login
from core import clock

TODAY = date(2026, 3, 16)  # a Monday


def _c(db, new_customer, owner, grade=None, last=None, name="客户", status="active", **kw):
    c = db.get(Customer, new_customer(owner, name=name, status=status, **kw).id)
    c.grade = grade
    c.last_visit_on = last
    db.flush()
    return c


@pytest.mark.parametrize("grade, ok_days, late_days", [
    ("A", 3, 4),     # 2 a week → at least every 3 days (seed 003: 2–3 a week; was 4)
    ("B", 7, 8),     # 1 a week
    ("C", 15, 16),   # 2 a month → every 15 days
    (None, 15, 16),  # ungraded follows C
])
def test_overdue_list_for_each_grade(app, db, people, new_customer, grade, ok_days, late_days):
    s1 = db.merge(people["sales1"])
    ok = _c(db, new_customer, s1, grade, TODAY - timedelta(days=ok_days), name="刚去过")
    late = _c(db, new_customer, s1, grade, TODAY - timedelta(days=late_days), name="好久没去")
    never = _c(db, new_customer, s1, grade, None, name="从没去过")
    _c(db, new_customer, s1, grade, None, name="潜在客户", status="prospect")
    rows = visits.overdue(db, s1, TODAY)
    assert [r.customer.id for r in rows] == [never.id, late.id]
    assert rows[1].days == late_days and rows[0].days is None
    assert ok.id not in [r.customer.id for r in rows]


def test_frequency_is_a_setting(app, db, people, new_customer):
    s1 = db.merge(people["sales1"])
    c = _c(db, new_customer, s1, "A", TODAY - timedelta(days=3))
    assert visits.overdue(db, s1, TODAY) == []
    settings.set(db, "customers.visits_a_per_week", "3")  # every 2 days
    assert [r.customer.id for r in visits.overdue(db, s1, TODAY)] == [c.id]
    c.last_visit_on = TODAY - timedelta(days=2)
    db.flush()
    assert [r.customer.id for r in visits.overdue(db, s1, TODAY)] == []


def test_overdue_list_is_scoped(app, db, people, new_customer):
    _c(db, new_customer, db.merge(people["sales2"]), "A", None)
    assert visits.overdue(db, db.merge(people["sales1"]), TODAY) == []
    assert len(visits.overdue(db, db.merge(people["manager"]), TODAY)) == 1


def test_plan_needs_objectives_from_the_fixed_list(app, db, people, new_customer):
    s1 = db.merge(people["sales1"])
    c = _c(db, new_customer, s1)
    with pytest.raises(ServiceError):
        visits.plan(db, c, s1, TODAY, "service", [])
    with pytest.raises(ServiceError):
        visits.plan(db, c, s1, TODAY, "service", ["drink_tea"])
    v = visits.plan(db, c, s1, TODAY, "special", ["collect_payment", "reconcile"])
    assert v.objectives == ["collect_payment", "reconcile"]


def test_day_route_is_ordered_by_area(app, db, people, new_customer):
    s1 = db.merge(people["sales1"])
    spots = [("萧山区", "瓜沥镇", "瓜沥一"), ("西湖区", "转塘街道", "转塘"), ("萧山区", "临浦镇", "临浦"),
             ("萧山区", "瓜沥镇", "瓜沥二"), ("拱墅区", "大关街道", "大关")]
    for county, town, name in spots:
        c = _c(db, new_customer, s1, name=name, province="浙江省", city="杭州市", county=county,
               town=town, address=f"{town}{name}路")
        visits.plan(db, c, s1, TODAY, "service", ["press_stock"])
    other_day = _c(db, new_customer, s1, name="明天")
    visits.plan(db, other_day, s1, TODAY + timedelta(days=1), "service", ["press_stock"])
    route = [v.customer for v in visits.day_route(db, s1, TODAY)]
    assert len(route) == 5
    # each county and each town forms one stretch of the route: no zig-zag
    for key in (lambda c: c.county, lambda c: (c.county, c.town)):
        seq = [key(c) for c in route]
        stretches = [k for i, k in enumerate(seq) if i == 0 or seq[i - 1] != k]
        assert len(stretches) == len(set(seq)), [c.name for c in route]
    names = [c.name for c in route]
    assert abs(names.index("瓜沥一") - names.index("瓜沥二")) == 1


def test_day_route_is_a_nearest_neighbour_route_on_county_coordinates(app, client, db, people,
                                                                      new_customer):
    """Issue 21 #7: the route was an alphabetical sort of place names (宁波
    before 杭州 before 绍兴, wherever they lie)."""
    s1 = db.merge(people["sales1"])
    spots = [("宁波市", "海曙区", "海曙店"), ("杭州市", "萧山区", "萧山店"),
             ("绍兴市", "越城区", "越城店"), ("杭州市", "西湖区", "西湖店")]
    for city, county, name in spots:
        c = _c(db, new_customer, s1, name=name, province="浙江省", city=city, county=county)
        visits.plan(db, c, s1, TODAY, "service", ["press_stock"])
    nowhere = _c(db, new_customer, s1, name="不明店", province="", city="", county="")
    visits.plan(db, nowhere, s1, TODAY, "service", ["press_stock"])
    db.commit()
    legs = visits.day_route_legs(db, s1, TODAY)
    assert [v.customer.name for v, _km in legs] == ["西湖店", "萧山店", "越城店", "海曙店", "不明店"]
    kms = [km for _v, km in legs]
    assert kms[0] is None and kms[-1] is None and 10 < kms[1] < 20 and 80 < kms[3] < 110
    login(client, "sales1")
    html = client.get(f"/customers/visits?day={TODAY.isoformat()}").get_data(as_text=True)
    assert "最近邻" in html and "直线" in html
    assert html.index("西湖店") < html.index("萧山店") < html.index("越城店") < html.index("海曙店")


def test_visit_record_moves_last_visit_and_plans_the_next(app, db, people, new_customer):
    s1 = db.merge(people["sales1"])
    c = _c(db, new_customer, s1, "B", TODAY - timedelta(days=30))
    v = visits.plan(db, c, s1, TODAY, "service", ["collect_payment"])
    with pytest.raises(ServiceError):
        visits.record(db, v, time_in=datetime(2026, 3, 16, 10), time_out=datetime(2026, 3, 16, 9))
    visits.record(db, v, time_in=datetime(2026, 3, 16, 9, 30), time_out=datetime(2026, 3, 16, 10, 15),
                  objective_met=True, next_visit_on=TODAY + timedelta(days=7),
                  competitor_notes="海信以旧换新", agreed_actions="月底前回款 5 万")
    assert c.last_visit_on == TODAY and v.state == "done"
    nxt = db.query(Visit).filter_by(customer_id=c.id, state="planned").one()
    assert nxt.visit_date == TODAY + timedelta(days=7)
    assert visits.overdue(db, s1, TODAY + timedelta(days=7)) == []


def test_first_visit_records_stock_samples_issues_and_sales(app, db, people, new_customer):
    s1 = db.merge(people["sales1"])
    c = _c(db, new_customer, s1)
    v = visits.plan(db, c, s1, TODAY, "service", ["count_stock"])
    t = dict(time_in=datetime(2026, 3, 16, 9), time_out=datetime(2026, 3, 16, 10))
    with pytest.raises(ServiceError, match="first visit"):
        visits.record(db, v, first_visit=True, found_stock="32 台", **t)
    visits.record(db, v, first_visit=True, found_stock="32 台", found_samples="样机 4 台",
                  open_issues="去年返利未兑现", recent_sales="近三月 45 台", **t)
    assert v.first_visit and v.open_issues == "去年返利未兑现"


def test_follow_ups_on_the_owners_home_page(app, db, client, people, new_customer):
    s1 = db.merge(people["sales1"])
    c = _c(db, new_customer, s1, name="永利电器")
    visits.add_followup(db, c, s1.id, "催收上月货款", clock.today())
    visits.plan(db, c, s1, clock.today(), "service", ["collect_payment"])
    db.commit()
    login(client, "sales1")
    html = client.get("/").get_data(as_text=True)
    assert "催收上月货款" in html and "今日路线" in html and "永利电器" in html
    login(client, "sales2")
    assert "催收上月货款" not in client.get("/").get_data(as_text=True)


def test_weekly_report_against_frequency(app, db, people, new_customer):
    s1 = db.merge(people["sales1"])
    a = _c(db, new_customer, s1, "A", name="A客户")
    b = _c(db, new_customer, s1, "B", name="B客户")
    _c(db, new_customer, s1, "C", name="C客户")
    for c, day, met in ((a, TODAY, True), (b, TODAY + timedelta(days=2), False)):
        v = visits.plan(db, c, s1, day, "service", ["collect_payment"])
        visits.record(db, v, time_in=datetime.combine(day, datetime.min.time()) + timedelta(hours=9),
                      time_out=datetime.combine(day, datetime.min.time()) + timedelta(hours=10),
                      objective_met=met)
    rows = visits.weekly_report(db, db.merge(people["manager"]), TODAY + timedelta(days=3))
    (r,) = rows
    assert r.customers == {"A": 1, "B": 1, "C": 1}
    assert str(r.expected) == "3.5"       # A 2 + B 1 + C 2×7/30
    assert r.done == 2 and r.met_share == 50
    assert r.below_frequency == 1         # A visited once, needs 2 a week
    assert r.never_visited == 1           # the C customer


def test_a_mistyped_date_in_a_report_filter_is_explained_not_a_bare_400(app, client, people):
    """The day route and the weekly report say what is wrong with the date, in
    the reader's language, and show today's page instead."""
    from core.models import User

    login(client, "manager")
    for url, title in (("/customers/visits?day=2026-13-45", "拜访路线"),
                       ("/customers/reports/weekly?week=2026-13-45", "每周拜访报告")):
        resp = client.get(url)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, url
        assert 'class="flash error"' in html and "2026-13-45 不是有效日期（格式：YYYY-MM-DD）。" in html
        assert title in html
    with app.extensions["qudao"].db.session() as s:
        s.query(User).filter_by(username="sales1").one().locale = "en"
    login(client, "sales1")
    html = client.get("/customers/visits?day=someday").get_data(as_text=True)
    assert "someday is not a date (YYYY-MM-DD)." in html and "Day route" in html


def test_home_page_follows_a_frequency_saved_by_another_process(app, db, client, people,
                                                                new_customer):
    """The overdue widget's statement holds the frequency as a date limit and
    is kept per process, as are the settings: a warm home page reads no
    setting, and a frequency saved in another process is in force on the
    next page all the same."""
    from sqlalchemy import event

    from conftest import QudaoClient
    from core.app import create_app

    s1 = db.merge(people["sales1"])
    _c(db, new_customer, s1, "A", clock.today() - timedelta(days=5), name="五天前去过")
    settings.set(db, "customers.visits_a_per_week", "1")  # every 7 days: not late
    db.commit()
    login(client, "sales1")
    client.get("/")
    seen: list[str] = []
    engine = app.extensions["qudao"].db.engine
    listen = lambda _c, _cur, stmt, *_a: seen.append(stmt)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        html = client.get("/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert "五天前去过" not in html and "没有逾期拜访。" in html
    assert not [q for q in seen if "core_setting" in q]
    other = create_app({"DATA_DIR": app.config["DATA_DIR"],
                        "DATABASE_URL": app.config["DATABASE_URL"],
                        "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True,
                        "EXTRA_PLUGINS": app.config["EXTRA_PLUGINS"]})
    other.test_client_class = QudaoClient
    try:
        with other.extensions["qudao"].db.session() as s:
            settings.set(s, "customers.visits_a_per_week", "2")  # every 3 days: late
            s.commit()
    finally:
        other.extensions["qudao"].db.dispose()
    html = client.get("/").get_data(as_text=True)
    assert "五天前去过" in html and "5 天" in html
