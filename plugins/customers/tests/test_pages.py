"""The pages a salesperson and a manager use, in Chinese; hooks other
plugins feed (kinds, panels); the customer card PDF."""
import re
import subprocess
from datetime import date

import pytest

from plugins.customers.models import Customer

from .conftest import uscc_code, login
from core import clock



def test_create_search_and_filter(app, client, db, people, new_customer):
    login(client, "sales1")
    assert "新建客户" in client.get("/customers/").get_data(as_text=True)
    r = client.post_form("/customers/new", {"name": "临浦恒通家电城", "kind": "member",
                                            "province": "浙江省", "city": "杭州市", "county": "萧山区",
                                            "licence_no": uscc_code(3), "legal_person": "周"})
    assert r.status_code == 302
    c = db.query(Customer).filter_by(name="临浦恒通家电城").one()
    assert (c.owner_id, c.status, c.kind) == (people["sales1"].id, "prospect", "member")
    r = client.post_form("/customers/new", {"name": "坏", "kind": "member", "licence_no": "123"})
    assert "18 位" in r.get_data(as_text=True)
    new_customer(people["sales1"], name="瓜沥永利电器", kind="traditional", status="active")
    assert "瓜沥永利电器" not in client.get("/customers/?kind=member").get_data(as_text=True)
    html = client.get("/customers/?q=永利").get_data(as_text=True)
    assert "瓜沥永利电器" in html and "临浦恒通家电城" not in html
    html = client.get("/customers/?status=active&last_visit=never").get_data(as_text=True)
    assert "瓜沥永利电器" in html and "临浦恒通家电城" not in html
    assert "临浦恒通家电城" in client.get("/customers/?province=浙江省").get_data(as_text=True)
    assert "临浦恒通家电城" not in client.get("/customers/?grade=A").get_data(as_text=True)


def test_plugin_stylesheet_is_served(app, client, people):
    login(client, "sales1")
    html = client.get("/customers/").get_data(as_text=True)
    href = re.search(r'href="(/customers/static/[^"]+\.css)"', html).group(1)
    r = client.get(href)
    assert r.status_code == 200 and r.mimetype == "text/css"


def test_list_is_paginated(app, client, people, new_customer):
    for i in range(55):
        new_customer(people["sales1"], name=f"客户{i:02d}")
    login(client, "sales1")
    first = client.get("/customers/").get_data(as_text=True)
    second = client.get("/customers/?page=2").get_data(as_text=True)
    assert "客户54" in first and "客户04" not in first
    assert "客户04" in second and "下一页" in first


def test_detail_shows_panels_from_other_plugins(app, client, people, new_customer):
    c = new_customer(people["sales1"])
    login(client, "sales1")
    html = client.get(f"/customers/{c.id}").get_data(as_text=True)
    assert "测试面板" in html and f"余额 {c.code} #{c.id}" in html
    assert "先款后货" in html


def test_prospect_to_active_through_the_pages(app, client, db, people, new_customer):
    import io

    c = new_customer(people["sales1"], legal_person="王", licence_no=uscc_code(8))
    login(client, "sales1")
    r = client.post_form(f"/customers/{c.id}/application")
    app_url = r.headers["Location"]
    for purpose in ("licence", "tax_registration", "legal_person_id", "application_form"):
        client.post_form(app_url + "/upload", {"purpose": purpose,
                                               "file": (io.BytesIO(b"%PDF-1.4 x"), f"{purpose}.pdf")},
                         content_type="multipart/form-data")
    client.post_form(app_url + "/submit")
    login(client, "manager")
    assert c.name in client.get("/customers/applications").get_data(as_text=True)
    client.post_form(app_url + "/approve")
    db.expire_all()
    assert db.get(Customer, c.id).status == "active"


def test_visit_pages(app, client, db, people, new_customer):
    c = new_customer(people["sales1"], status="active")
    login(client, "sales1")
    r = client.post_form(f"/customers/{c.id}/visits/new",
                         {"visit_date": clock.today().isoformat(), "purpose": "service",
                          "objectives": ["collect_payment", "count_stock"]})
    assert r.status_code == 302
    html = client.get("/customers/visits").get_data(as_text=True)
    assert c.name in html and "回款" in html
    from plugins.customers.models import Visit

    v = db.query(Visit).filter_by(customer_id=c.id).one()
    today = clock.today().isoformat()
    r = client.post_form(f"/customers/visits/{v.id}/record",
                         {"time_in": f"{today}T09:00", "time_out": f"{today}T09:40",
                          "objective_met": "1", "competitor_notes": "美的年返 3 个点",
                          "followup_title": "送宣传资料"}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "美的年返 3 个点" in html and "送宣传资料" in html
    assert "送宣传资料" in client.get("/customers/followups").get_data(as_text=True)
    assert client.get("/customers/overdue").status_code == 200
    login(client, "manager")
    html = client.get("/customers/reports/weekly").get_data(as_text=True)
    assert "每周拜访报告" in html


def test_english_user_sees_english(app, client, make_user, units):
    make_user("en1", "salesperson", "OFF")
    from core.models import User

    with app.extensions["qudao"].db.session() as s:
        s.query(User).filter_by(username="en1").one().locale = "en"
    login(client, "en1")
    html = client.get("/customers/").get_data(as_text=True)
    assert "New customer" in html and "新建客户" not in html


def test_customer_card_pdf_has_the_chinese_name(app, client, people, new_customer):
    pytest.importorskip("weasyprint")
    c = new_customer(people["sales1"], name="桐乡濮院佳美电器城", legal_person="沈")
    login(client, "sales1")
    r = client.post_form(f"/customers/{c.id}/card")
    assert r.status_code == 303
    pdf = client.get(r.headers["Location"]).get_data()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "桐乡濮院佳美电器城" in text and "客户档案卡" in text
    login(client, "sales2")
    assert client.post_form(f"/customers/{c.id}/card").status_code == 404


def test_search_treats_wildcards_literally_and_ignores_ascii_case(app, db, client):
    """'%' in the search box is a character, not "everything"; 'abc' finds 'ABC'."""
    from core.models import OrgUnit, User
    from sqlalchemy import select

    from plugins.customers.api import Customer

    hq = db.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    admin = db.scalar(select(User).where(User.username == "admin"))
    db.add_all([Customer(code="C-T1", name="ABC电器商行", kind="retail", status="prospect",
                         org_unit_id=hq.id, owner_id=admin.id),
                Customer(code="C-T2", name="百分百家电", kind="retail", status="prospect",
                         org_unit_id=hq.id, owner_id=admin.id)])
    db.commit()
    client.login("admin")
    html = client.get("/customers/?q=abc").get_data(as_text=True)
    assert "ABC电器商行" in html and "百分百家电" not in html
    html = client.get("/customers/?q=%25").get_data(as_text=True)
    assert "ABC电器商行" not in html and "百分百家电" not in html
