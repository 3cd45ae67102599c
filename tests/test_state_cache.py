"""The per-process cache of the signed-in user and the enabled plugin set
(core.state_cache): a warm page runs no query, and every change made in one
process is in force on the very next request of another process sharing the
database and the data directory."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, event, select, update

from conftest import PASSWORD, QudaoClient
from core import services
from core.app import create_app
from core.models import OrgUnit, Role, RolePermission, User
from core.state_cache import Stamp
from core.web.user import CachedUser
from qdtest.models import Note  # noqa: F401  (its table must be in the test schema)

REASON = {"reason": "测试：切换插件"}


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


@pytest.fixture
def other(app):
    """A second app on the same database and data directory: another worker
    process (or another host)."""
    second = create_app({"DATA_DIR": app.config["DATA_DIR"],
                         "DATABASE_URL": app.config["DATABASE_URL"],
                         "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True,
                         "EXTRA_PLUGINS": ["qdtest.plugin"]})
    second.test_client_class = QudaoClient
    yield second
    second.extensions["qudao"].db.dispose()


def _count_queries(app):
    seen: list[str] = []
    event.listen(app.extensions["qudao"].db.engine, "before_cursor_execute",
                 lambda _c, _cur, stmt, *_a: seen.append(stmt))
    return seen


def _warm(worker: QudaoClient, url: str = "/account") -> str:
    worker.get(url)
    resp = worker.get(url)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def test_a_warm_account_page_runs_no_query(app, client, make_user):
    make_user("sales_q", "salesperson")
    client.login("sales_q")
    client.get("/account")
    seen = _count_queries(app)
    page = client.get("/account")
    assert page.status_code == 200 and 'name="acc-full_name"' in page.get_data(as_text=True)
    assert seen == []


def test_a_login_elsewhere_does_not_empty_the_cache(app, client, make_user, other):
    """Signing in writes last_login_at; that alone must not make every
    process read every user again."""
    make_user("sales_l", "salesperson")
    make_user("sales_l2", "salesperson")
    client.login("sales_l")
    _warm(client)
    other.test_client().login("sales_l2")
    seen = _count_queries(app)
    client.get("/account")
    assert seen == []


def test_deactivated_user_is_signed_out_in_the_other_process(app, client, make_user, other):
    user = make_user("sales_d", "salesperson")
    worker2 = other.test_client()
    worker2.login("sales_d")
    _warm(worker2)
    client.login("admin")
    form = {"username": "sales_d", "full_name": "", "email": "", "locale": "zh_CN",
            "org_unit_id": str(user.org_unit_id), "roles": [str(r.id) for r in user.roles]}
    assert client.post_form(f"/admin/users/{user.id}", form).status_code == 302
    resp = worker2.get("/account")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_deactivated_without_a_new_token_is_still_refused(app, client, make_user, db):
    """The active flag alone (no session rotation) takes effect at once."""
    user = make_user("sales_a", "salesperson")
    client.login("sales_a")
    _warm(client)
    db.execute(update(User).where(User.id == user.id).values(active=False))
    db.commit()
    assert client.get("/account").status_code == 302


def test_changed_password_signs_out_the_other_process(app, client, make_user, other):
    make_user("sales_pw", "salesperson")
    worker2 = other.test_client()
    worker2.login("sales_pw")
    _warm(worker2)
    client.login("sales_pw")
    resp = client.post("/account", data={"pw-csrf_token": client.csrf, "pw-current": PASSWORD,
                                         "pw-new": "another-pass-456",
                                         "pw-confirm": "another-pass-456"})
    assert resp.status_code == 302
    assert worker2.get("/account").status_code == 302
    assert worker2.login("sales_pw", "another-pass-456").status_code == 302
    assert worker2.get("/account").status_code == 200


def test_revoked_permission_is_refused_in_the_other_process(app, make_user, other, db):
    """A role loses a permission without its holders being signed out
    (a direct change to the role's rows): the next page already refuses."""
    make_user("sales_r", "salesperson")
    worker2 = other.test_client()
    worker2.login("sales_r")
    assert "qdtest.index" in _warm(worker2, "/qdtest/")
    role_id = db.scalar(select(Role.id).where(Role.name == "salesperson"))
    db.execute(delete(RolePermission).where(RolePermission.role_id == role_id,
                                            RolePermission.code == "qdtest.view"))
    db.commit()
    assert worker2.get("/qdtest/").status_code == 403
    assert "qdtest.index" not in worker2.get("/account").get_data(as_text=True)


def test_permission_granted_through_the_admin_page_reaches_the_other_process(
        app, client, make_user, other):
    make_user("mgr_g", "manager")
    worker2 = other.test_client()
    worker2.login("mgr_g")
    assert worker2.get("/admin/users").status_code == 403
    client.login("admin")
    role = client.application.extensions["qudao"]
    with role.db.session() as s:
        manager = s.scalar(select(Role).where(Role.name == "manager"))
        codes = sorted(manager.permission_codes | {"core.admin"})
        role_id = manager.id
    resp = client.post_form(f"/admin/roles/{role_id}", {
        "name": "manager", "label": "Manager", "scope": "org", "permissions": codes})
    assert resp.status_code == 302
    # Holders of a changed role sign in again; then the new right is there.
    assert worker2.get("/admin/users").status_code == 302
    worker2.login("mgr_g")
    assert worker2.get("/admin/users").status_code == 200


def test_disabled_plugin_vanishes_from_the_other_process(app, client, make_user, other):
    make_user("sales_x", "salesperson")
    worker2 = other.test_client()
    worker2.login("sales_x")
    assert 'data-endpoint="qdtest.index"' in _warm(worker2)
    _warm(worker2, "/qdtest/")
    client.login("admin")
    assert client.post_form("/admin/plugins/qdtest/disable", REASON).status_code == 302
    assert worker2.get("/qdtest/").status_code == 404
    assert 'data-endpoint="qdtest.index"' not in worker2.get("/account").get_data(as_text=True)
    assert client.post_form("/admin/plugins/qdtest/enable", REASON).status_code == 302
    assert worker2.get("/qdtest/").status_code == 200


def test_org_unit_move_and_rename_reach_the_other_process(app, make_user, make_org, other, db):
    make_org("OFF_A", "杭州办事处")
    make_org("OFF_B", "宁波办事处")
    user = make_user("sales_o", "salesperson", org_code="OFF_A")
    worker2 = other.test_client()
    worker2.login("sales_o")
    assert "杭州办事处" in _warm(worker2, "/")
    target = db.scalar(select(OrgUnit).where(OrgUnit.code == "OFF_B"))
    db.get(User, user.id).org_unit_id = target.id
    db.commit()
    assert "宁波办事处" in worker2.get("/").get_data(as_text=True)
    target.name = "宁波分公司"
    db.commit()
    assert "宁波分公司" in worker2.get("/").get_data(as_text=True)


def test_current_user_is_plain_data_and_reaches_its_row(app, client, make_user):
    make_user("sales_c", "salesperson")
    client.login("sales_c")
    with app.test_request_context():
        from flask_login import current_user, login_user

        from core.auth import load_user
        from core.web.request import db_session

        with app.extensions["qudao"].db.session() as s:
            row = s.scalar(select(User).where(User.username == "sales_c"))
            token = row.get_id()
        cached = load_user(token)
        assert isinstance(cached, CachedUser)
        login_user(cached)
        assert current_user.username == "sales_c" and "qdtest.view" in current_user.permission_codes
        assert current_user.scope == "own" and not current_user.is_admin
        assert current_user.org_unit.code == "HQ"
        assert [r.name for r in current_user.roles] == ["salesperson"]
        assert current_user.last_login_at is not None  # read from the row
        assert current_user.orm() is db_session().get(User, cached.id)
        with pytest.raises(AttributeError):
            current_user.locale = "en"
        assert load_user(f"{cached.id}:not-the-token") is None


def test_stamp_moves_only_after_the_outer_commit(app, db, make_user):
    user = make_user("sales_s", "salesperson")
    stamp = Stamp(app.config["DATA_DIR"])
    before = stamp.read()
    with db.begin_nested():
        db.get(User, user.id).full_name = "改名"
    assert stamp.read() == before  # released savepoint: not committed yet
    db.commit()
    after = stamp.read()
    assert after != before
    db.get(User, user.id).full_name = "再改"
    db.rollback()
    assert stamp.read() == after
    services.create_org_unit(db, "OFF_S", "温州办事处", "office")
    db.commit()
    assert stamp.read() != after


def test_unrelated_writes_leave_the_stamp_alone(app, db, make_user):
    owner = make_user("sales_u", "salesperson")
    stamp = Stamp(app.config["DATA_DIR"])
    before = stamp.read()
    db.add(Note(title="拜访纪要", owner_id=owner.id, org_unit_id=owner.org_unit_id))
    db.commit()
    assert stamp.read() == before


def test_a_saved_setting_moves_the_stamp(app, db):
    """Settings are kept per process with the users (core.settings), so
    saving one must reach the other processes like a role change does."""
    from core import settings

    stamp = Stamp(app.config["DATA_DIR"])
    before = stamp.read()
    settings.set(db, "core.company_phone", "0571-1234567", None)
    assert stamp.read() == before  # not committed yet
    db.commit()
    assert stamp.read() != before
