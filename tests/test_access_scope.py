"""Row access per role: a salesperson sees their own records, a manager their
org unit and below, admin and auditor everything — and the auditor changes
nothing. Other people's ids answer 404."""
import re

import pytest
from sqlalchemy import select

from core import access
from core.models import User
from qdtest.models import Note

REASON = {"reason": "测试：切换插件"}


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


@pytest.fixture
def world(app, make_org, make_user):
    """HQ → EAST (branch) → OFF1, OFF2 (offices), people and one note each."""
    make_org("EAST", "华东分公司", "branch", "HQ")
    make_org("OFF1", "杭州办事处", "office", "EAST")
    make_org("OFF2", "宁波办事处", "office", "EAST")
    users = {
        "s1": make_user("s1", "salesperson", "OFF1"),
        "s2": make_user("s2", "salesperson", "OFF1"),
        "s3": make_user("s3", "salesperson", "OFF2"),
        "m1": make_user("m1", "manager", "OFF1"),
        "mb": make_user("mb", "manager", "EAST"),
        "aud": make_user("aud", "auditor", "HQ"),
    }
    notes = {}
    with app.extensions["qudao"].db.session() as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        for key, owner in (("n1", users["s1"]), ("n2", users["s2"]), ("n3", users["s3"]),
                           ("n4", admin)):
            n = Note(title=f"note {key}", org_unit_id=owner.org_unit_id, owner_id=owner.id)
            s.add(n)
            s.flush()
            notes[key] = n.id
    return users, notes


EXPECTED = {
    "s1": {"n1"},
    "s2": {"n2"},
    "s3": {"n3"},
    "m1": {"n1", "n2"},
    "mb": {"n1", "n2", "n3"},
    "aud": {"n1", "n2", "n3", "n4"},
    "admin": {"n1", "n2", "n3", "n4"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_list_page_shows_exactly_the_rows_in_scope(app, client, world, who):
    _users, notes = world
    client.login(who)
    html = client.get("/qdtest/").get_data(as_text=True)
    shown = {m for m in re.findall(r"note (n\d)", html)}
    assert shown == EXPECTED[who]
    for key, note_id in notes.items():
        expected = 200 if key in EXPECTED[who] else 404
        assert client.get(f"/qdtest/{note_id}").status_code == expected, key


def test_salesperson_cannot_change_another_salespersons_record(app, client, db, world):
    _users, notes = world
    client.login("s1")
    assert client.post_form(f"/qdtest/{notes['n2']}/edit", {"title": "hijacked"}).status_code == 404
    assert client.post_form(f"/qdtest/{notes['n1']}/edit", {"title": "mine"}).status_code == 302
    assert db.get(Note, notes["n2"]).title == "note n2"
    assert db.get(Note, notes["n1"]).title == "mine"


def test_manager_edits_within_the_subtree_only(app, client, db, world):
    _users, notes = world
    client.login("m1")
    assert client.post_form(f"/qdtest/{notes['n2']}/edit", {"title": "by manager"}).status_code == 302
    assert client.post_form(f"/qdtest/{notes['n3']}/edit", {"title": "x"}).status_code == 404
    assert db.get(Note, notes["n3"]).title == "note n3"


def test_auditor_reads_everything_and_changes_nothing(app, client, db, world):
    _users, notes = world
    client.login("aud")
    assert client.get(f"/qdtest/{notes['n1']}").status_code == 200
    assert client.post_form(f"/qdtest/{notes['n1']}/edit", {"title": "audited"}).status_code == 403
    assert client.post_form("/qdtest/new", {"title": "new"}).status_code == 403
    assert client.post_form("/admin/plugins/qdtest/disable", REASON).status_code == 403
    assert db.get(Note, notes["n1"]).title == "note n1"
    assert db.scalar(select(Note).where(Note.title == "new")) is None
    # Signing out still works.
    assert client.logout().status_code == 302


def test_scope_helper_agrees_for_edit_actions(app, db, world):
    users, notes = world
    aud = db.get(User, users["aud"].id)
    s1 = db.get(User, users["s1"].id)
    assert db.execute(access.scoped_select(db, Note, aud, access.EDIT)).all() == []
    assert {n.id for n in db.execute(access.scoped_select(db, Note, aud)).scalars()} == set(notes.values())
    assert access.scoped_get(db, Note, notes["n2"], s1) is None
    assert access.scoped_get(db, Note, notes["n1"], s1, access.EDIT).id == notes["n1"]


def test_scope_clauses_from_plugins_are_anded(app, db, world):
    """A plugin can narrow what the default rule allows, never widen it."""
    from core.hookspecs import hookimpl

    users, notes = world

    class Narrow:
        @hookimpl
        def scope_query(model, user, action):
            return [Note.title != "note n1"] if model is Note else []

    ext = app.extensions["qudao"]
    ext.host.pm.register(Narrow, name="narrow-test")
    ext.host._hooks_cache.clear()
    try:
        s1 = db.get(User, users["s1"].id)
        admin = db.scalar(select(User).where(User.username == "admin"))
        assert db.execute(access.scoped_select(db, Note, s1)).all() == []
        seen = {n.id for n in db.execute(access.scoped_select(db, Note, admin)).scalars()}
        assert seen == {notes["n2"], notes["n3"], notes["n4"]}
    finally:
        ext.host.pm.unregister(name="narrow-test")
        ext.host._hooks_cache.clear()
