"""Domain events reach enabled plugins after commit, never after rollback."""
import types

import pytest

from core.hookspecs import hookimpl
from core.registry import Manifest

received: list = []


def _plugin_module():
    mod = types.ModuleType("qudao_test_events_plugin")
    mod.MANIFEST = Manifest("evtest", "事件测试", "Event test", "0.1")

    @hookimpl
    def handle_event(event):
        if event.name == "evtest.boom":
            raise RuntimeError("handler failure")
        received.append((event.name, dict(event.payload)))

    mod.handle_event = handle_event
    return mod


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": [_plugin_module()]}


@pytest.fixture(autouse=True)
def _clear():
    received.clear()


def test_event_delivered_after_commit_only(app):
    from core.events import emit

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        from core import services

        services.enable_plugin(s, "evtest")
    s = ext.db.Session()
    emit(s, "evtest.happened", n=1)
    assert received == []  # not before the commit
    s.commit()
    assert received == [("evtest.happened", {"n": 1})]
    emit(s, "evtest.happened", n=2)
    s.rollback()
    s.commit()
    assert received == [("evtest.happened", {"n": 1})]  # rolled back: dropped
    s.close()


def test_failing_handler_does_not_undo_the_commit(app):
    from core import services
    from core.events import emit

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        services.enable_plugin(s, "evtest")
    with ext.db.session() as s:
        emit(s, "evtest.boom")
        emit(s, "evtest.after", ok=True)
    assert received == [("evtest.after", {"ok": True})]


def test_disabled_plugin_gets_no_events(app):
    from core.events import emit

    from core import services

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        services.disable_plugin(s, "evtest")
    with ext.db.session() as s:
        emit(s, "evtest.happened", n=3)
    assert received == []
