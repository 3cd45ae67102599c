"""Web-layer hardening (issue 20): the health check with the database down,
downloads of a disabled plugin's files, invisible characters and control
characters in input, long download names, a full disk, caching of signed-in
pages and the session's lifetime and idle timeout."""
from __future__ import annotations

import pytest

from core.app import create_app


# -- /healthz ---------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    "sqlite:////nonexistent-dir-qudao/sub/qudao.db",
])
def test_healthz_answers_503_json_when_the_database_is_down(tmp_path, url):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url,
                      "SECRET_KEY": "s", "TESTING": False, "GC_FREEZE": False})
    try:
        resp = app.test_client().get("/healthz")
    finally:
        app.extensions["qudao"].db.dispose()
    assert resp.status_code == 503
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["status"] == "error" and body["database"] is False
