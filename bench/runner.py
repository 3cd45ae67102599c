"""Run the chosen cases and write the report."""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import machine, report
from .cases import CASES, load
from .context import Context, Skip
from .load import wrk_version
from .results import Row, skipped
from .servers import gunicorn_settings


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    report: str = ""


def run(ctx: Context, cases: tuple[str, ...] = CASES, out: Path | None = None) -> Outcome:
    """Every case in turn (a failing case is reported and the others still
    run); the PostgreSQL databases made on the way are dropped at the end.
    The report is written again after each case, marked as incomplete until
    the last one, so a run stopped part-way leaves what it measured."""
    ctx.work.mkdir(parents=True, exist_ok=True)
    outcome = Outcome()
    started = time.perf_counter()
    load_before = machine.load_average()
    info: dict[str, str] = {}

    def write(progress: tuple[int, int] | None) -> None:
        if out is None:
            return
        if not info:
            pg = ctx.pg_base + "/postgres" if "postgresql" in ctx.dbs else None
            info.update(machine.describe(pg))
        info["date"] = machine.now_utc()  # when written, not when first described
        when = "at the end" if progress is None else "after the last case"
        info["load"] = f"{load_before} at the start, {machine.load_average()} {when}"
        outcome.report = report.write(out, outcome.rows, info, ctx.mode.name, _load_tool(ctx),
                                      time.perf_counter() - started,
                                      gunicorn_settings(ctx.mode.server_workers), progress)

    try:
        for done, name in enumerate(cases, 1):
            _run_case(ctx, name, outcome)
            if done < len(cases):
                write((done, len(cases)))
    finally:
        ctx.cleanup()
    write(None)
    return outcome


def _load_tool(ctx: Context) -> str:
    if ctx.use_wrk:
        return f"{wrk_version()} (1 thread, {ctx.mode.connections} connections)"
    return f"bounded Python client ({ctx.mode.connections} threads, keep-alive)"


def _run_case(ctx: Context, name: str, outcome: Outcome) -> None:
    mod = load(name)
    ctx.log(f"== {mod.TITLE} ({', '.join(ctx.dbs)})")
    t0 = time.perf_counter()
    where = "/".join(ctx.dbs)
    try:
        rows = mod.run(ctx)
    except Skip as e:
        rows = [skipped(mod.TITLE, where, "–", str(e))]
    except Exception as e:  # noqa: BLE001 - reported, and the run exits non-zero
        ctx.log(traceback.format_exc())
        outcome.errors.append(f"{name}: {type(e).__name__}: {e}")
        rows = [skipped(mod.TITLE, where, "–",
                        f"error {type(e).__name__}: {str(e).splitlines()[0][:200]}")]
    for r in rows:
        r.key = name
    outcome.rows.extend(rows)
    for r in rows:
        if r.skipped:
            ctx.log(f"   {r.db}: not run: {r.skipped}")
        for c in r.checks:
            ctx.log(f"   {r.db} {r.size}: {c.label} {report.fmt(c.value, c.unit)} "
                    f"(goal {c.op} {report.fmt(c.goal, c.unit)}) "
                    f"{'pass' if c.passed else 'MISS'}")
    ctx.log(f"   ({time.perf_counter() - t0:.0f} s)")
