"""``python -m bench`` — generate data sets and run the benchmarks.

    python -m bench run --quick            # a few minutes; writes bench/RESULTS.md
    python -m bench run --full             # longer load runs, more repeats
    python -m bench run --quick --case customer_list --db sqlite
    python -m bench generate --scale M --db postgresql
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .cases import CASES
from .context import DATA, MODES, Context
from .generate import SEED
from .targets import DEFAULT_PG, pg_reachable

HERE = Path(__file__).resolve().parent


def _dbs(choice: str, pg: str, log) -> tuple[str, ...]:
    if choice == "sqlite":
        return ("sqlite",)
    reachable = pg_reachable(pg)
    if choice == "postgresql":
        if not reachable:
            raise SystemExit(f"PostgreSQL is not reachable at {pg}")
        return ("postgresql",)
    if not reachable:
        log(f"PostgreSQL not reachable at {pg}: running on SQLite only")
        return ("sqlite",)
    return ("sqlite", "postgresql")


def _log(msg: str) -> None:
    print(msg, flush=True)


def cmd_run(args) -> int:
    from .runner import run

    mode = MODES[args.mode]
    if args.no_wrk:
        from dataclasses import replace

        mode = replace(mode, use_wrk=False)
    ctx = Context(mode=mode, dbs=_dbs(args.db, args.pg, _log), pg_base=args.pg,
                  work=Path(args.work).resolve(), log=_log)
    out = Path(args.out) if args.out else (HERE / "RESULTS.md" if args.mode != "smoke"
                                           else ctx.work / "RESULTS.md")
    outcome = run(ctx, tuple(args.case or CASES), out)
    _log(f"report written to {out}")
    for e in outcome.errors:
        _log(f"ERROR {e}")
    return 1 if outcome.errors else 0


def cmd_generate(args) -> int:
    from .generate import BENCH_PASSWORD, SCALES, generate
    from .targets import pg_target, sqlite_target

    scale = SCALES[args.scale]
    work = Path(args.work).resolve()
    name = f"scale_{scale.name.lower()}"
    if args.db == "postgresql":
        target = pg_target(args.pg, f"qudao_bench_{name}")
    else:
        target = sqlite_target(work / f"{name}.db")
    t0 = time.perf_counter()
    _log(f"generating scale {scale.name} on {args.db}: {scale.customers:,} customers, "
         f"{scale.lines:,} ledger lines")
    ds = generate(target, work / f"{name}-{args.db}-files", scale.customers, scale.lines,
                  seed=args.seed, log=_log)
    _log(f"done in {time.perf_counter() - t0:.1f} s: {target.url}")
    _log(f"sign in as admin / sales1 / finance1 with password {BENCH_PASSWORD}")
    for n in ds.notes:
        _log(n)
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run the benchmarks and write the report")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--quick", dest="mode", action="store_const", const="quick")
    g.add_argument("--full", dest="mode", action="store_const", const="full")
    g.add_argument("--smoke", dest="mode", action="store_const", const="smoke",
                   help="tiny sizes, every code path (the test suite uses it)")
    r.set_defaults(mode="quick")
    r.add_argument("--case", action="append", choices=CASES,
                   help="run only this case (repeatable)")
    r.add_argument("--db", choices=("both", "sqlite", "postgresql"), default="both")
    r.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server URL (no database)")
    r.add_argument("--out", help="report path (default bench/RESULTS.md)")
    r.add_argument("--work", default=str(DATA), help="where data sets and logs go")
    r.add_argument("--no-wrk", action="store_true", help="use the Python load client")
    r.set_defaults(func=cmd_run)

    gen = sub.add_parser("generate", help="generate a data set to explore or profile")
    gen.add_argument("--scale", choices=("S", "M", "L"), required=True)
    gen.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    gen.add_argument("--pg", default=DEFAULT_PG)
    gen.add_argument("--seed", type=int, default=SEED)
    gen.add_argument("--work", default=str(DATA))
    gen.set_defaults(func=cmd_generate)

    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
