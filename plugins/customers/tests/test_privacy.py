"""Personal data of customers masked by default (issue 18): pages, export,
card PDF; revealing one value asks why and writes an audit row."""
import io
import re
import subprocess

from openpyxl import load_workbook
from sqlalchemy import select

from core.models import AuditLog
from plugins.customers.models import Contact

from .conftest import login

MOBILE, CLEAR_ADDR = "13812345678", "浙江省杭州市西湖区文三路 1 号"


def _customer(db, people, new_customer):
    c = new_customer(people["sales1"], name="西湖电器", phone=MOBILE, address=CLEAR_ADDR,
                     province="浙江省", city="杭州市")
    db.add(Contact(customer_id=c.id, name="王经理", phone="13900001111", email="wang@example.com"))
    db.commit()
    return c


def _reveals(db):
    db.commit()  # a fresh snapshot
    return db.scalars(select(AuditLog).where(AuditLog.action == "reveal")
                      .order_by(AuditLog.id)).all()


def test_salesperson_sees_masked_values_on_detail_export_and_pdf(app, client, db, people,
                                                                 new_customer):
    c = _customer(db, people, new_customer)
    login(client, "sales1")
    html = client.get(f"/customers/{c.id}").get_data(as_text=True)
    assert "138****5678" in html and "139****1111" in html and "浙江省杭州市****" in html
    assert MOBILE not in html and "文三路" not in html and "13900001111" not in html
    assert "data-reveal" not in html  # no reveal control without the permission
    xlsx = client.get("/customers/export.xlsx").get_data()
    rows = [[cell.value for cell in r] for r in load_workbook(io.BytesIO(xlsx)).active.iter_rows()]
    flat = [str(v) for r in rows for v in r if v is not None]
    assert "138****5678" in flat and "139****1111" in flat and "浙江省杭州市****" in flat
    assert MOBILE not in flat and "13900001111" not in flat
    csv = client.get(f"/customers/{c.id}/export.csv").get_data().decode("utf-8-sig")
    assert "138****5678" in csv and MOBILE not in csv
    r = client.post_form(f"/customers/{c.id}/card")
    pdf = client.get(r.headers["Location"]).get_data()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "138****5678" in text and MOBILE not in text and "文三路" not in text
    assert _reveals(db) == []


def test_admin_reveals_one_value_with_a_purpose(app, client, db, people, new_customer):
    c = _customer(db, people, new_customer)
    login(client, "admin")
    html = client.get(f"/customers/{c.id}").get_data(as_text=True)
    assert "138****5678" in html and MOBILE not in html
    url = re.search(r'href="(/privacy/reveal/customers_customer/%d/phone[^"]*)"' % c.id,
                    html).group(1).replace("&amp;", "&")
    form = client.get(url).get_data(as_text=True)
    assert "用途" in form and MOBILE not in form
    # without a purpose: refused, nothing shown, nothing audited
    r = client.post_form(url, {"purpose": ""})
    assert r.status_code == 400 and "请说明查看此信息的用途" in r.get_data(as_text=True)
    assert MOBILE not in r.get_data(as_text=True)
    r = client.post_form(url, {"purpose": "other", "detail": " "})
    assert r.status_code == 400 and "请说明具体用途" in r.get_data(as_text=True)
    assert _reveals(db) == []
    # with one: the clear value, and who/whose/which/why in the audit trail
    r = client.post_form(url, {"purpose": "contact", "detail": "确认送货时间"})
    assert r.status_code == 200 and MOBILE in r.get_data(as_text=True)
    (row,) = _reveals(db)
    assert (row.user.username, row.table_name, row.record_id, row.changes["fields"]) == (
        "admin", "customers_customer", str(c.id), ["phone"])
    assert row.reason == "联系本人：确认送货时间"
    # the in-place form (JavaScript) gets JSON
    contact = db.scalar(select(Contact).where(Contact.customer_id == c.id))
    r = client.post_form(f"/privacy/reveal/customers_contact/{contact.id}/phone",
                         {"purpose": "verify"}, headers={"Accept": "application/json"})
    assert r.get_json() == {"value": "13900001111"}
    r = client.post_form(f"/privacy/reveal/customers_contact/{contact.id}/phone",
                         {"purpose": ""}, headers={"Accept": "application/json"})
    assert r.status_code == 400 and "用途" in r.get_json()["error"]
    assert len(_reveals(db)) == 2
    trail = client.get("/admin/audit").get_data(as_text=True)
    assert "查看了个人信息" in trail and "确认送货时间" in trail


def test_reveal_is_scoped_and_needs_the_permission(app, client, db, people, new_customer,
                                                   make_user):
    from core import services
    from core.models import Role

    c = _customer(db, people, new_customer)
    url = f"/privacy/reveal/customers_customer/{c.id}/phone"
    # a salesperson without the permission: 403, nothing audited
    login(client, "sales2")
    assert client.get(url).status_code == 403
    assert client.post_form(url, {"purpose": "contact"}).status_code == 403
    # given the permission, someone else's record by id is 404 — so are unmarked fields
    role = db.scalar(select(Role).where(Role.name == "salesperson"))
    services.set_role_permissions(db, role, role.permission_codes | {"core.reveal_pii"})
    db.commit()
    login(client, "sales2")
    assert client.post_form(url, {"purpose": "contact"}).status_code == 404
    assert client.get(url).status_code == 404
    login(client, "sales1")
    assert client.post_form(f"/privacy/reveal/customers_customer/{c.id}/name",
                            {"purpose": "contact"}).status_code == 404
    assert client.post_form("/privacy/reveal/core_user/1/password_hash",
                            {"purpose": "contact"}).status_code == 404
    assert _reveals(db) == []
    # the owner, now allowed, reveals their own customer's phone
    r = client.post_form(url, {"purpose": "contact"})
    assert r.status_code == 200 and MOBILE in r.get_data(as_text=True)
    assert len(_reveals(db)) == 1


def test_export_by_a_user_who_may_reveal_is_clear_and_audited(app, client, db, people,
                                                              new_customer):
    c = _customer(db, people, new_customer)
    login(client, "admin")
    csv = client.get("/customers/export.csv").get_data().decode("utf-8-sig")
    assert MOBILE in csv and CLEAR_ADDR in csv and "13900001111" in csv
    (row,) = _reveals(db)
    assert (row.user.username, row.table_name, row.record_id, row.reason) == (
        "admin", "customers_customer", "*", "export")
    client.get(f"/customers/{c.id}/export.xlsx")
    assert [r.record_id for r in _reveals(db)] == ["*", str(c.id)]


def test_audit_trail_masks_old_and_new_values_for_a_manager(app, client, db, people,
                                                            new_customer):
    from core import audit

    audit.set_actor(db, people["sales1"].id)  # a manager reads their own people's trail
    _customer(db, people, new_customer)
    login(client, "manager")
    trail = client.get("/admin/audit").get_data(as_text=True)
    assert "138****5678" in trail and MOBILE not in trail and "13900001111" not in trail


# -- edit forms -----------------------------------------------------------------------
def _browser_form(html: str) -> dict:
    """What a browser submits from the page's edit form (the one with a version)."""
    import lxml.html

    doc = lxml.html.fromstring(html)
    form = next(f for f in doc.forms if f.xpath(".//input[@name='version']"))
    textareas = {el.get("name") for el in form.xpath(".//textarea")}
    return {k: v[1:] if k in textareas and v.startswith("\n") else v
            for k, v in form.form_values()}


def _fresh(db, c):
    db.commit()
    db.refresh(c)
    return c


def test_salesperson_edit_form_masks_phone_and_address_and_keeps_them(app, client, db, people,
                                                                      new_customer):
    c = _customer(db, people, new_customer)
    login(client, "sales1")
    html = client.get(f"/customers/{c.id}/edit").get_data(as_text=True)
    assert MOBILE not in html and "文三路" not in html
    assert 'value="138****5678"' in html and 'value="浙江省杭州市****"' in html
    data = _browser_form(html)
    assert (data["phone"], data["address"]) == ("138****5678", "浙江省杭州市****")
    assert MOBILE not in data["version"]  # the signature is a hash
    # saving another field keeps the phone and the address as stored (no false conflict)
    data["notes"] = "周末营业"
    r = client.post_form(f"/customers/{c.id}/edit", data)
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:2000]
    c = _fresh(db, c)
    assert (c.phone, c.address, c.notes) == (MOBILE, CLEAR_ADDR, "周末营业")
    # a new phone typed over the masked one is saved
    data = _browser_form(client.get(f"/customers/{c.id}/edit").get_data(as_text=True))
    data["phone"] = "13700002222"
    r = client.post_form(f"/customers/{c.id}/edit", data)
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:2000]
    assert _fresh(db, c).phone == "13700002222" and c.address == CLEAR_ADDR
    # editing around the stars would store them: refused, nothing saved
    data = _browser_form(client.get(f"/customers/{c.id}/edit").get_data(as_text=True))
    data["address"] = "浙江省杭州市****2 号楼"
    r = client.post_form(f"/customers/{c.id}/edit", data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "请输入完整的新内容" in html
    assert "13700002222" not in html and "文三路" not in html
    assert _fresh(db, c).address == CLEAR_ADDR
    assert _reveals(db) == []


def test_admin_edit_form_shows_clear_values(app, client, db, people, new_customer):
    c = _customer(db, people, new_customer)
    login(client, "admin")
    data = _browser_form(client.get(f"/customers/{c.id}/edit").get_data(as_text=True))
    assert (data["phone"], data["address"]) == (MOBILE, CLEAR_ADDR)
    assert not any(k.startswith("pii_shown-") for k in data)
    data["phone"] = "13700002222"
    assert client.post_form(f"/customers/{c.id}/edit", data).status_code in (302, 303)
    assert _fresh(db, c).phone == "13700002222"


def test_salesperson_contact_form_masks_phone_and_email(app, client, db, people, new_customer):
    c = _customer(db, people, new_customer)
    contact = db.scalar(select(Contact).where(Contact.customer_id == c.id))
    login(client, "sales1")
    url = f"/customers/contacts/{contact.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "13900001111" not in html and "wang@example.com" not in html
    data = _browser_form(html)
    assert (data["phone"], data["email"]) == ("139****1111", "w***@example.com")
    data["role"] = "店长"
    r = client.post_form(url, data)
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:2000]
    db.commit()
    db.refresh(contact)
    assert (contact.phone, contact.email, contact.role) == ("13900001111", "wang@example.com",
                                                            "店长")
    data = _browser_form(client.get(url).get_data(as_text=True))
    data["email"] = "li@example.com"
    assert client.post_form(url, data).status_code in (302, 303)
    db.commit()
    db.refresh(contact)
    assert (contact.phone, contact.email) == ("13900001111", "li@example.com")


def test_conflict_on_a_masked_form_shows_no_clear_values(app, client, db, people, new_customer):
    """Someone changes the phone while a salesperson has the form open: the
    salesperson's save is refused, and the conflict box and the form show
    the new phone masked."""
    c = _customer(db, people, new_customer)
    login(client, "sales1")
    data = _browser_form(client.get(f"/customers/{c.id}/edit").get_data(as_text=True))
    c.phone = "13655556666"
    db.commit()
    data["notes"] = "周末营业"
    r = client.post_form(f"/customers/{c.id}/edit", data)
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "该记录已被他人修改" in html
    assert "13655556666" not in html and MOBILE not in html and "文三路" not in html
    assert "136****6666" in html
    again = _browser_form(html)
    assert again["phone"] == "136****6666" and again["notes"] == "周末营业"
    r = client.post_form(f"/customers/{c.id}/edit", again)
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:2000]
    c = _fresh(db, c)
    assert (c.phone, c.notes) == ("13655556666", "周末营业")
    # both change the phone: the box shows the other person's phone masked
    data = _browser_form(client.get(f"/customers/{c.id}/edit").get_data(as_text=True))
    c.phone = "13511112222"
    db.commit()
    data["phone"] = "13700003333"
    r = client.post_form(f"/customers/{c.id}/edit", data)
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "13511112222" not in html and "135****2222" in html
    assert _browser_form(html)["phone"] == "13700003333"  # what they typed, still there
    assert _fresh(db, c).phone == "13511112222"


# -- import report --------------------------------------------------------------------
def test_import_report_quotes_no_personal_data(app, client, db, people):
    """The problems of an import name the row and the column, never the phone
    or the address in it (the report is a page, and a job's saved output)."""
    from .test_exchange import csv_bytes

    header = ["客户名称", "客户类型", "地址", "电话", "业务员", "联系人", "联系人电话"]
    long_phone = "1380013800" * 5
    body = [["甲店", "不存在的类型", CLEAR_ADDR, MOBILE, "sales1", "", ""],
            ["乙店", "member", CLEAR_ADDR, long_phone, "sales1", "", ""],
            ["丙店", "member", "", "", "sales1", "", "13900001111"]]
    login(client, "manager")
    r = client.post_form("/customers/import",
                         {"file": (io.BytesIO(csv_bytes(header, body)), "c.csv")},
                         content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert "没有导入任何数据" in html and "不存在的类型" in html
    problems = re.findall(r'<td class="num">(\d+)</td><td>([^<]*)</td>', html)
    assert [n for n, _msg in problems] == ["2", "3", "4"], problems
    for leaked in (MOBILE, long_phone, "13900001111", "文三路"):
        assert leaked not in html, leaked
