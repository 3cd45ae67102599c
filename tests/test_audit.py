"""Every change to an audited record is in the trail: who, which field,
from what to what, when and why."""
import pytest
from sqlalchemy import func, select

from core import audit
from core.models import AuditLog, OrgUnit, Role, User
from qdtest.models import Note


def _rows(db, table, record_id):
    db.expire_all()
    return db.execute(select(AuditLog).where(AuditLog.table_name == table,
                                             AuditLog.record_id == str(record_id))
                      .order_by(AuditLog.id)).scalars().all()


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


def test_admin_page_change_records_field_diffs_and_the_admin(app, client, db, make_user, make_org):
    office = make_org("AUD-OFF", "杭州办事处", "office")
    user = make_user("audited", "salesperson")
    hq_id = user.org_unit_id
    sales_role = db.scalar(select(Role).where(Role.name == "salesperson"))
    admin = db.scalar(select(User).where(User.username == "admin"))
    db.close()
    client.login("admin")
    resp = client.post_form(f"/admin/users/{user.id}", {
        "username": "audited", "full_name": "李明", "email": "", "org_unit_id": str(office.id),
        "roles": [str(sales_role.id)], "locale": "zh_CN", "active": "y", "password": ""})
    assert resp.status_code == 302
    rows = _rows(db, "core_user", user.id)
    update = [r for r in rows if r.action == "update"]
    assert len(update) == 1
    assert update[0].changes == {"full_name": ["", "李明"], "org_unit_id": [hq_id, office.id]}
    assert update[0].user_id == admin.id
    assert update[0].at is not None
    html = client.get(f"/admin/audit?table=core_user&record={user.id}").get_data(as_text=True)
    assert "full_name" not in html and "org_unit_id" not in html
    assert "姓名" in html and "李明" in html and "系统管理员" in html
    assert "杭州办事处" in html  # the org unit by name, not by id


def test_secrets_are_not_written_to_the_trail(app, client, db, make_user):
    user = make_user("secretive", "salesperson")
    sales_role = db.scalar(select(Role).where(Role.name == "salesperson"))
    db.close()
    client.login("admin")
    client.post_form(f"/admin/users/{user.id}", {
        "username": "secretive", "full_name": "", "email": "", "org_unit_id": str(user.org_unit_id),
        "roles": [str(sales_role.id)], "locale": "zh_CN", "active": "y",
        "password": "another-password-9"})
    for row in _rows(db, "core_user", user.id):
        assert "password_hash" not in row.changes and "session_token" not in row.changes


def test_role_change_is_audited_with_names(app, client, db, make_user):
    user = make_user("role_audit", "salesperson")
    manager = db.scalar(select(Role).where(Role.name == "manager"))
    db.close()
    client.login("admin")
    client.post_form(f"/admin/users/{user.id}", {
        "username": "role_audit", "full_name": "", "email": "", "org_unit_id": str(user.org_unit_id),
        "roles": [str(manager.id)], "locale": "zh_CN", "active": "y", "password": ""})
    roles = [r.changes["roles"] for r in _rows(db, "core_user", user.id) if "roles" in r.changes]
    assert roles == [[["salesperson"], ["manager"]]]


def test_plugin_record_create_update_delete_with_reason(app, db, make_user):
    user = make_user("note_owner", "salesperson")
    audit.set_actor(db, user.id)
    note = Note(title="初稿", org_unit_id=user.org_unit_id, owner_id=user.id)
    db.add(note)
    db.commit()
    audit.set_actor(db, user.id)
    audit.set_reason(db, "客户要求修改")
    note.title = "定稿"
    db.commit()
    db.delete(note)
    db.commit()
    rows = _rows(db, "qdtest_note", note.id)
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert rows[0].changes["title"] == [None, "初稿"]
    assert rows[1].changes == {"title": ["初稿", "定稿"]}
    assert rows[1].reason == "客户要求修改" and rows[1].user_id == user.id
    assert rows[2].changes["title"] == ["定稿", None] and rows[2].reason is None


def test_a_rolled_back_change_leaves_no_trace(app, db, make_user):
    user = make_user("rollback_owner", "salesperson")
    note = Note(title="保留", org_unit_id=user.org_unit_id, owner_id=user.id)
    db.add(note)
    db.commit()
    before = len(_rows(db, "qdtest_note", note.id))
    note.title = "不会保存"
    db.flush()
    db.rollback()
    assert len(_rows(db, "qdtest_note", note.id)) == before
    assert db.get(Note, note.id).title == "保留"


def test_web_edit_of_a_plugin_record_names_the_user(app, client, db, make_user):
    user = make_user("web_editor", "salesperson")
    client.login("web_editor")
    resp = client.post_form("/qdtest/new", {"title": "第一版"})
    note_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    client.post_form(f"/qdtest/{note_id}/edit", {"title": "第二版"})
    rows = _rows(db, "qdtest_note", note_id)
    assert [(r.action, r.user_id) for r in rows] == [("create", user.id), ("update", user.id)]
    assert rows[1].changes == {"title": ["第一版", "第二版"]}


def test_org_unit_rename_is_audited(app, client, db, make_org):
    unit = make_org("AUD-REN", "旧名称", "office")
    client.login("admin")
    hq = db.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    db.close()
    resp = client.post_form(f"/admin/org-units/{unit.id}", {
        "code": "AUD-REN", "name": "新名称", "kind": "office", "parent_id": str(hq.id), "active": "y"})
    assert resp.status_code == 302
    rows = _rows(db, "core_org_unit", unit.id)
    assert rows[-1].action == "update" and rows[-1].changes == {"name": ["旧名称", "新名称"]}


@pytest.mark.parametrize("active", [True, False])
def test_creating_an_org_unit_in_the_admin_writes_one_row_with_every_field(app, client, db, active):
    admin = db.scalar(select(User).where(User.username == "admin"))
    hq = db.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    db.close()
    client.login("admin")
    form = {"code": "AUD-NEW", "name": "宁波办事处", "kind": "office", "parent_id": str(hq.id)}
    if active:
        form["active"] = "y"
    assert client.post_form("/admin/org-units/new", form).status_code == 302
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == "AUD-NEW"))
    rows = _rows(db, "core_org_unit", unit.id)
    assert [(r.action, r.user_id) for r in rows] == [("create", admin.id)]
    assert rows[0].changes == {"id": [None, unit.id], "code": [None, "AUD-NEW"],
                               "name": [None, "宁波办事处"], "kind": [None, "office"],
                               "parent_id": [None, hq.id], "path": [None, f"{hq.path}{unit.id}/"],
                               "active": [None, active]}
    assert unit.path == f"{hq.path}{unit.id}/" and unit.active is active


def test_a_change_for_another_reason_before_the_commit_keeps_its_own_row(app, db, make_user):
    user = make_user("note_reasons", "salesperson")
    audit.set_actor(db, user.id)
    note = Note(title="初稿", org_unit_id=user.org_unit_id, owner_id=user.id)
    db.add(note)
    db.flush()
    audit.set_reason(db, "客户要求修改")
    note.title = "定稿"
    db.commit()
    rows = _rows(db, "qdtest_note", note.id)
    assert [(r.action, r.reason) for r in rows] == [("create", None), ("update", "客户要求修改")]
    assert rows[0].changes["title"] == [None, "初稿"] and rows[1].changes == {"title": ["初稿", "定稿"]}


def test_the_history_shows_labels_names_the_person_and_the_reason(app, client, db, make_user):
    """Issue 21, item 25: the history showed ``customer_id``, ``objectives:
    ['reconcile', …]``, ``user_id: 3``, a blank person, and a row credited to
    the system for every sign-in."""
    from datetime import date

    from core.models import SignIn
    from plugins.customers.models import Customer, Visit

    sales = make_user("hist_sales", "salesperson")
    admin = db.scalar(select(User).where(User.username == "admin"))
    audit.set_actor(db, admin.id)
    audit.set_reason(db, "客户要求改期")
    c = Customer(code="H-001", name="历史测试商行", kind="retail", org_unit_id=sales.org_unit_id,
                 owner_id=sales.id)
    db.add(c)
    db.flush()
    db.add(Visit(customer_id=c.id, user_id=sales.id, visit_date=date(2026, 11, 3),
                 objectives=["reconcile", "collect_payment"]))
    db.commit()
    before = db.scalar(select(func.count()).select_from(AuditLog))
    db.commit()  # end the read: the requests' writes are seen afterwards
    client.login("admin")
    client.login("hist_sales")
    # Signing in changes no record: it is in the sign-in log, not the history.
    assert db.scalar(select(func.count()).select_from(AuditLog)) == before
    assert [s.user.username for s in db.scalars(select(SignIn).order_by(SignIn.id))] == [
        "admin", "hist_sales"]
    client.login("admin")
    html = client.get("/admin/audit?table=customers_visit").get_data(as_text=True)
    for raw in ("customer_id", "objectives", "user_id", "reconcile", "collect_payment"):
        assert raw not in html, raw
    assert "H-001 历史测试商行" in html and "hist_sales" in html
    assert "对帐" in html and "回款" in html  # the objectives' labels
    assert "系统管理员" in html and "客户要求改期" in html
    page = client.get(f"/customers/{c.id}").get_data(as_text=True)
    assert "user_id" not in page and "对帐" in page and "客户要求改期" in page
    log = client.get("/admin/sign-ins").get_data(as_text=True)
    assert "hist_sales" in log


def test_a_change_without_a_person_is_credited_to_the_system(app, client, db):
    org = OrgUnit(code="SYS-1", name="命令行建的单位", kind="office")
    db.add(org)
    db.commit()
    client.login("admin")
    html = client.get(f"/admin/audit?table=core_org_unit&record={org.id}").get_data(as_text=True)
    assert "系统" in html and "命令行建的单位" in html and "办事处" in html


def test_an_undeclared_field_reads_as_words_the_catalogue_knows(app, db):
    """A plugin that declares no labels yet: ``customer_id`` reads 客户, a
    name the catalogues do not know stays as it is."""
    from flask_babel import force_locale

    from core import auditview

    with app.test_request_context():
        with force_locale("zh_CN"):
            assert auditview.field_label(db, "qdtest_note", "customer_id") == "客户"
            assert auditview.field_label(db, "qdtest_note", "zz_unknown_thing") == "zz_unknown_thing"
        with force_locale("en"):
            assert auditview.field_label(db, "qdtest_note", "customer_id") == "Customer"


def test_a_plugin_switch_reads_with_the_plugins_name_and_the_reason(app, client, db):
    from core import services

    services.disable_plugin(db, "qdtest", reason="试运行结束")
    db.commit()
    client.login("admin")
    html = client.get("/admin/audit?table=core_plugin_state").get_data(as_text=True)
    manifest = app.extensions["qudao"].host.manifests["qdtest"]
    assert manifest.label_zh in html and "试运行结束" in html and "启用" in html
