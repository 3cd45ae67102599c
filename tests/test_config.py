"""Configuration from the environment (README, "Configuration")."""
import threading

from core.config import load_config


def test_defaults_live_in_the_data_dir(tmp_path, monkeypatch):
    for var in ("QUDAO_DATABASE_URL", "QUDAO_SECRET_KEY", "QUDAO_REDIS_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("QUDAO_DATA_DIR", str(tmp_path / "inst"))
    cfg = load_config()
    assert cfg["DATA_DIR"] == str(tmp_path / "inst")
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'qudao.db'}"
    assert cfg["REDIS_URL"] is None
    key = (tmp_path / "inst" / "secret_key").read_text()
    assert cfg["SECRET_KEY"] == key and len(key) == 64
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0
    assert load_config()["SECRET_KEY"] == key  # kept, not regenerated


def test_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("QUDAO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QUDAO_DATABASE_URL", "postgresql+psycopg://u@db/qudao")
    monkeypatch.setenv("QUDAO_SECRET_KEY", "from-env")
    monkeypatch.setenv("QUDAO_REDIS_URL", "redis://127.0.0.1:6379/0")
    cfg = load_config()
    assert cfg["DATABASE_URL"] == "postgresql+psycopg://u@db/qudao"
    assert cfg["SECRET_KEY"] == "from-env" and cfg["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert not (tmp_path / "secret_key").exists()


def test_workers_starting_together_agree_on_one_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("QUDAO_SECRET_KEY", raising=False)
    keys, errors = [], []
    start = threading.Barrier(8)

    def boot():
        try:
            start.wait(timeout=30)
            keys.append(load_config({"DATA_DIR": str(tmp_path / "shared")})["SECRET_KEY"])
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=boot) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in (tmp_path / "shared").iterdir()] == ["secret_key"]
