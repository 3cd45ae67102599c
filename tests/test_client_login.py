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
