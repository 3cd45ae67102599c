"""Shared by the HTTP cases: sign in, then interleave load runs."""
from __future__ import annotations

from ..context import Context
from ..generate import server_env
from ..load import Browser, LoadResult, run_load
from ..stats import Summary, interleave


def signed_in_headers(base: str, username: str, password: str, path: str,
                      marker: str) -> dict[str, str]:
    b = Browser(base)
    b.login(username, password)
    b.settle(path, marker)
    return {"Cookie": b.cookie_header()}


def compare(ctx: Context, targets: dict[str, tuple[str, dict[str, str]]]
            ) -> dict[str, list[LoadResult]]:
    """Interleaved load runs of each ``name: (url, headers)``."""
    m = ctx.mode
    results: dict[str, list[LoadResult]] = {n: [] for n in targets}

    def runner(name: str):
        url, headers = targets[name]

        def go() -> float:
            r = run_load(url, m.connections, m.load_seconds, headers, use_wrk=ctx.use_wrk,
                         max_requests=m.max_requests)
            results[name].append(r)
            return r.rps

        return go

    kept = interleave({n: runner(n) for n in targets}, m.repeats, m.warmup)
    # Drop the warm-up results the same way interleave dropped its samples.
    for n in targets:
        results[n] = results[n][-len(kept[n]):]
    return results


def rps(results: list[LoadResult]) -> Summary:
    return Summary.of([r.rps for r in results])


def p99(results: list[LoadResult]) -> Summary:
    return Summary.of([r.p99_ms for r in results])


def platform(ctx: Context, db: str, ds):
    """The whole platform on the data set, shared by the HTTP cases."""
    return ctx.server(f"platform-{db}", "core.app:create_app()",
                      server_env(ds.target, ds.data_dir), ready_path="/healthz")


def hello(ctx: Context):
    return ctx.server("hello", "bench.apps.hello:create_app()", {})
