"""Account opening: four content-checked documents, approval by a manager of
the org unit or above, rejection with a reason."""
import io

import pytest
from sqlalchemy import select

from core.models import AuditLog
from core.services import ServiceError
from plugins.customers.services import opening
from plugins.customers.models import Application, Customer

from .conftest import uscc_code, login


PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def submitted(app, db, people, new_customer):
    """A submitted application by sales1 with three of the four documents:
    one submitted before submitting needed all four (issue 21 #3)."""
    c = db.get(Customer, new_customer(people["sales1"], legal_person="王建华",
                                      licence_no=uscc_code(11)).id)
    a = opening.start(db, c)
    for d in (opening.LICENCE, opening.TAX, opening.LEGAL_ID):
        opening.upload(db, a, d, io.BytesIO(PDF), f"{d}.pdf", people["sales1"].id)
    a.state, c.status = "submitted", "applying"
    db.commit()
    return a


def test_approval_refused_while_a_document_is_missing(db, people, submitted):
    with pytest.raises(ServiceError) as e:
        opening.approve(db, submitted, db.merge(people["manager"]))
    assert "Signed application form" in str(e.value)
    db.rollback()
    assert db.get(Customer, submitted.customer_id).status == "applying"


def test_complete_application_approved_by_unit_manager(db, people, submitted):
    opening.upload(db, submitted, opening.FORM, io.BytesIO(PNG), "申请表.png", people["sales1"].id)
    opening.approve(db, submitted, db.merge(people["manager"]))
    db.commit()
    c = db.get(Customer, submitted.customer_id)
    assert c.status == "active" and submitted.state == "approved"
    row = db.scalars(select(AuditLog).where(AuditLog.table_name == "customers_customer",
                                            AuditLog.record_id == str(c.id))
                     .order_by(AuditLog.id.desc())).first()
    assert row.changes["status"] == ["applying", "active"]


def test_manager_above_may_approve_sibling_manager_may_not(db, people, submitted):
    opening.upload(db, submitted, opening.FORM, io.BytesIO(PDF), "form.pdf", None)
    with pytest.raises(ServiceError, match="org unit"):
        opening.approve(db, submitted, db.merge(people["manager2"]))
    with pytest.raises(ServiceError, match="org unit"):
        opening.approve(db, submitted, db.merge(people["sales2"]))
    opening.approve(db, submitted, db.merge(people["boss"]))  # branch manager, one level up
    assert submitted.state == "approved"


def test_nobody_approves_their_own_application(app, db, people, new_customer):
    c = db.get(Customer, new_customer(people["manager"], legal_person="李", licence_no=uscc_code(12)).id)
    a = opening.start(db, c)
    for d in opening.DOCUMENTS:
        opening.upload(db, a, d, io.BytesIO(PDF), "x.pdf", None)
    opening.submit(db, a, db.merge(people["manager"]))
    with pytest.raises(ServiceError, match="own"):
        opening.approve(db, a, db.merge(people["manager"]))


def test_rejection_needs_a_reason_and_returns_to_prospect(db, people, submitted):
    with pytest.raises(ServiceError):
        opening.reject(db, submitted, db.merge(people["manager"]), " ")
    opening.reject(db, submitted, db.merge(people["manager"]), "营业执照已过期")
    db.commit()
    assert submitted.state == "rejected" and submitted.decision_reason == "营业执照已过期"
    assert db.get(Customer, submitted.customer_id).status == "prospect"


def test_upload_type_is_checked_by_content_not_name(db, people, submitted):
    with pytest.raises(ServiceError, match="PDF"):
        opening.upload(db, submitted, opening.FORM, io.BytesIO(b"MZ\x90\x00 not a pdf"),
                       "form.pdf", None)
    assert opening.missing_documents(db, submitted) == [opening.FORM]


def test_approval_page_flow(app, client, db, people, submitted):
    login(client, "manager")
    url = f"/customers/applications/{submitted.id}"
    r = client.post_form(url + "/approve", follow_redirects=True)
    assert "签字的立户申请表" in r.get_data(as_text=True)
    login(client, "sales1")
    r = client.post_form(url + "/upload", {"purpose": "application_form",
                                           "file": (io.BytesIO(PDF), "申请表.pdf")},
                         content_type="multipart/form-data", follow_redirects=True)
    assert r.status_code == 200
    login(client, "manager")
    assert "申请表.pdf" in client.get(url).get_data(as_text=True)
    client.post_form(url + "/approve")
    db.expire_all()
    assert db.get(Application, submitted.id).state == "approved"
    assert db.get(Customer, submitted.customer_id).status == "active"


def test_submit_needs_legal_data(app, db, people, new_customer):
    c = db.get(Customer, new_customer(people["sales1"]).id)
    a = opening.start(db, c)
    with pytest.raises(ServiceError):
        opening.submit(db, a, db.merge(people["sales1"]))


def test_submit_refused_while_a_document_is_missing(app, client, db, people, new_customer):
    """Issue 21 #3: an application with no documents could be submitted."""
    c = db.get(Customer, new_customer(people["sales1"], legal_person="王建华",
                                      licence_no=uscc_code(13)).id)
    a = opening.start(db, c)
    opening.upload(db, a, opening.LICENCE, io.BytesIO(PDF), "执照.pdf", people["sales1"].id)
    with pytest.raises(ServiceError, match="Tax registration copy"):
        opening.submit(db, a, db.merge(people["sales1"]))
    db.commit()
    login(client, "sales1")
    url = f"/customers/applications/{a.id}"
    assert "上传全部四份资料后才能提交" in client.get(url).get_data(as_text=True)
    html = client.post_form(url + "/submit", follow_redirects=True).get_data(as_text=True)
    assert "提交前请上传" in html
    db.rollback()
    assert db.scalar(select(Application.state).where(Application.id == a.id)) == "draft"
    for d in (opening.TAX, opening.LEGAL_ID, opening.FORM):
        opening.upload(db, db.get(Application, a.id), d, io.BytesIO(PDF), f"{d}.pdf", None)
    db.commit()
    html = client.post_form(url + "/submit", follow_redirects=True).get_data(as_text=True)
    assert "申请已提交审批" in html
    db.rollback()
    assert db.scalar(select(Application.state).where(Application.id == a.id)) == "submitted"


def test_approver_previews_scans_inline_and_safely(app, client, db, people, submitted):
    """Issue 21 #3: images and PDFs open in the browser (sniffed type only,
    a sandbox for images); the plain link still downloads; scope holds."""
    opening.upload(db, submitted, opening.FORM, io.BytesIO(PNG), "申请表.png", None)
    db.commit()
    docs = opening.documents(db, submitted)
    png, pdf = docs[opening.FORM], docs[opening.LICENCE]
    login(client, "manager")
    html = client.get(f"/customers/applications/{submitted.id}").get_data(as_text=True)
    assert f'src="/attachments/{png.id}?preview=1"' in html
    assert f'href="/attachments/{pdf.id}?preview=1"' in html and "预览" in html
    r = client.get(f"/attachments/{png.id}?preview=1")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert r.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    r = client.get(f"/attachments/{pdf.id}?preview=1")
    assert r.mimetype == "application/pdf" and r.headers["Content-Disposition"].startswith("inline")
    assert "script-src" not in r.headers["Content-Security-Policy"]
    assert client.get(f"/attachments/{pdf.id}").headers["Content-Disposition"].startswith(
        "attachment")
    login(client, "manager2")  # another office: not even a preview
    assert client.get(f"/attachments/{png.id}?preview=1").status_code == 404


def test_a_file_that_is_not_an_image_or_pdf_never_previews(app, client, db, people, make_user):
    from core import attachments

    att = attachments.save(db, io.BytesIO("名称,金额\n甲,1\n".encode()), "x.csv",
                           allowed=("csv",), user_id=people["sales1"].id)
    db.commit()
    login(client, "sales1")
    r = client.get(f"/attachments/{att.id}?preview=1")
    assert r.headers["Content-Disposition"].startswith("attachment")
