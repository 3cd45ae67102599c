def test_login_switches_user(client, make_user):
    make_user("u_one"); make_user("u_two")
    assert client.login("u_one").status_code == 302
    assert client.login("u_two").status_code == 302
    assert "u_two" in client.get("/account").get_data(as_text=True)


def test_cli_on_an_uninitialised_database_says_run_init(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, QUDAO_DATA_DIR=str(tmp_path), QUDAO_DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    qudao = Path(sys.executable).with_name("qudao")
    res = subprocess.run([str(qudao), "plugins", "list"], env=env, capture_output=True, text=True)
    assert res.returncode == 1
    assert "qudao init" in res.stderr and "Traceback" not in res.stderr


def test_static_files_touch_no_database(app, client):
    """Every page loads the stylesheet and script: serving them must not
    load the user or the plugin state."""
    from sqlalchemy import event

    client.login("admin")
    engine = app.extensions["qudao"].db.engine
    statements = []
    listener = lambda *a, **k: statements.append(a[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        resp = client.get("/static/core/qudao.css")
        assert resp.status_code == 200
        assert "Content-Security-Policy" in resp.headers
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == []
