"""The README tells the truth: CI runs its test command, the commands and
settings it documents exist."""
import re
from pathlib import Path

from core.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [ln for ln in lines if ln and not ln.startswith("#")]
    assert commands[-1] in README
    assert (ROOT / commands[-1].split()[0]).exists() or commands[-1].startswith("bash ")


def test_documented_scripts_exist_and_are_executable():
    for script in set(re.findall(r"\./scripts/[\w.]+\.sh", README)):
        path = ROOT / script
        assert path.exists(), script
        assert path.stat().st_mode & 0o111, f"{script} is not executable"


def _documented_commands() -> set[tuple[str, ...]]:
    """`qudao plugins list|enable|disable` → plugins list, plugins enable, …"""
    out = set()
    for group, alternatives in re.findall(r"`qudao ((?:[a-z]+ )*)([a-z|]+)", README):
        for word in alternatives.split("|"):
            out.add(tuple(group.split()) + (word,))
    return out


def test_documented_qudao_commands_exist(app):
    documented = _documented_commands()
    assert {("init",), ("run",), ("db", "upgrade"), ("plugins", "disable"),
            ("users", "create"), ("worker",)} <= documented
    runner = app.test_cli_runner()
    missing = [" ".join(w) for w in sorted(documented)
               if runner.invoke(main, [*w, "--help"]).exit_code != 0]
    assert missing == []


def test_documented_settings_are_read_by_the_config():
    config = (ROOT / "core" / "config.py").read_text()
    for var in set(re.findall(r"`(QUDAO_[A-Z_]+)`", README)) - {"QUDAO_TEST_DATABASE_URL",
                                                                 "QUDAO_ADMIN_PASSWORD"}:
        assert var in config, var
