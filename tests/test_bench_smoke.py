"""The benchmark harness at a tiny scale, so it never rots: every case runs
end to end (servers started and stopped, data generated, report written).
No timing is asserted — only that each case measured something real or
said exactly why it could not run here."""
from __future__ import annotations

import math
import os
import re

import pytest

from bench.cases import CASES
from bench.context import MODES, Context
from bench.runner import run
from bench.targets import DEFAULT_PG

#: Cases that need nothing beyond the Python environment and the database.
ALWAYS = {"trivial_page", "customer_list", "aged_receivables", "customer_import"}


def _pg_base() -> str | None:
    url = os.environ.get("QUDAO_TEST_DATABASE_URL", "")
    if not url:
        return None
    return url.rsplit("/", 1)[0]


@pytest.mark.slow
def test_every_case_runs_at_tiny_scale(tmp_path):
    pg = _pg_base()
    ctx = Context(mode=MODES["smoke"], dbs=("postgresql",) if pg else ("sqlite",),
                  pg_base=pg or DEFAULT_PG, work=tmp_path, log=lambda _m: None,
                  prefix=f"qudao_bench_smoke{os.getpid()}")
    out = tmp_path / "RESULTS.md"
    outcome = run(ctx, CASES, out)

    assert outcome.errors == []
    assert ctx.created_pg == set()  # the run dropped its databases
    seen = set()
    for row in outcome.rows:
        case = row.key
        seen.add(case)
        if row.skipped:
            assert case not in ALWAYS, f"{case} did not run: {row.skipped}"
            assert row.skipped.strip()
            continue
        assert row.checks, row.case
        for check in row.checks:
            assert math.isfinite(check.value) and check.value > 0, (row.case, check)
        assert row.subject.summary.median > 0
    assert seen == set(CASES)

    text = out.read_text(encoding="utf-8")
    assert "| Case | DB |" in text
    assert re.search(r"\| (pass|\*\*MISS\*\*) \|", text)
    assert "CPU" in text and "SQLite" in text


def _case(title: str, ratio: float | None):
    """A stand-in case module: one measured row, or (None) a stopped run."""
    from types import SimpleNamespace

    from bench.results import Check, Measured, Row
    from bench.stats import Summary

    def run(_ctx):
        if ratio is None:
            raise KeyboardInterrupt
        s = Summary.of([1.0, 2.0, 3.0])
        return [Row(case=title, db="sqlite", size="tiny", subject=Measured("subject", s, "ms"),
                    peer=Measured("floor", s, "ms"),
                    checks=[Check("time ratio", ratio, "<=", 1.5)])]
    return SimpleNamespace(TITLE=title, run=run)


def test_a_stopped_run_leaves_the_cases_it_measured_marked_incomplete(tmp_path, monkeypatch):
    import bench.runner as runner

    cases = {"first": _case("1. First", 1.25), "second": _case("2. Second", None),
             "third": _case("3. Third", 0.5)}
    hour = [0]  # the clock: each case takes an hour

    def load(name):
        hour[0] += 1
        return cases[name]
    monkeypatch.setattr(runner, "load", load)
    monkeypatch.setattr(runner.machine, "now_utc", lambda: f"2026-11-24 {hour[0]:02d}:00 UTC")
    ctx = Context(mode=MODES["smoke"], dbs=("sqlite",), pg_base=DEFAULT_PG, work=tmp_path,
                  log=lambda _m: None)
    out = tmp_path / "RESULTS.md"
    with pytest.raises(KeyboardInterrupt):
        run(ctx, ("first", "second", "third"), out)
    text = out.read_text(encoding="utf-8")
    head = text.split("| Case |")[0]  # above the table (FINDINGS.md follows it)
    assert "Incomplete: 1 of 3 cases measured so far" in head
    assert "| 1. First | sqlite |" in text and "1.25×" in text
    assert "| 2. Second |" not in text and "| 3. Third |" not in text

    # The same cases run to the end: one report, not marked.
    cases["second"] = _case("2. Second", 1.0)
    outcome = run(ctx, ("first", "second", "third"), out)
    text = out.read_text(encoding="utf-8")
    assert "Incomplete" not in text.split("| Case |")[0] and outcome.report == text
    assert "| 3. Third | sqlite |" in text and "**3 of 3 met**" in text
    # Dated when the report was last written, i.e. at the end of the run.
    assert "on 2026-11-24 05:00 UTC in" in text
