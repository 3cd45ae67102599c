"""Loopback HTTP load: ``wrk`` when it is installed, else a bounded Python
client (threads, one keep-alive ``http.client`` connection each).

Every run is bounded in time (and the Python client also in request count)
and targets 127.0.0.1 only.  A run with any answer but 200 or a socket error is
refused rather than reported: an error page is fast and would flatter the
numbers.
"""
from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from .stats import percentile

USER_AGENT = "qudao-bench/1"
STATUS_SCRIPT = Path(__file__).resolve().parent / "status.lua"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class LoadError(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    tool: str


def _split(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise LoadError(f"refusing to load a non-loopback address: {url}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, parts.port or 80, path


class Browser:
    """A minimal cookie-keeping client for signing in before a load run."""

    def __init__(self, base: str):
        self.host, self.port, _ = _split(base)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read().decode("utf-8", "replace")
        set_cookies = resp.headers.get_all("Set-Cookie") or []
        for raw in set_cookies:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        conn.close()
        return resp.status, data, bool(set_cookies)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def login(self, username: str, password: str) -> None:
        status, html, _ = self.request("GET", "/login")
        m = _CSRF.search(html)
        if status != 200 or not m:
            raise LoadError(f"no login form (HTTP {status})")
        token = m.group(1) or m.group(2)
        status, _body, _ = self.request(
            "POST", "/login", {"username": username, "password": password, "csrf_token": token})
        if status not in (302, 303):
            raise LoadError(f"login as {username} failed (HTTP {status})")

    def settle(self, path: str, marker: str) -> str:
        """GET ``path`` until the server stops setting cookies (a browser
        keeps the CSRF token it was given; a load run must too); check that
        the page is the real one by ``marker``."""
        for _ in range(4):
            status, html, set_cookie = self.request("GET", path)
            if status != 200:
                raise LoadError(f"GET {path} answered HTTP {status}")
            if marker not in html:
                raise LoadError(f"GET {path}: expected text {marker!r} missing")
            if not set_cookie:
                return html
        raise LoadError(f"GET {path} sets a new cookie on every request")


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_version() -> str:
    if not wrk_available():
        return "not installed"
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (out.stdout + out.stderr).split("Copyright")[0].strip()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise LoadError(f"cannot read wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def run_wrk(url: str, connections: int, seconds: float, headers: dict[str, str],
            post: str | None = None, expect: int = 200) -> LoadResult:
    """``post``: send every request as a POST of this form body; ``expect``:
    the one status counted as a good answer (a form POST answers 303)."""
    import os

    _split(url)
    headers = {"User-Agent": USER_AGENT, **headers}
    if post is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
           "--latency", "--timeout", "10s", "-s", str(STATUS_SCRIPT)]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(url)
    env = dict(os.environ, BENCH_EXPECT_STATUS=str(expect))
    if post is not None:
        env.update(BENCH_METHOD="POST", BENCH_BODY=post)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, env=env).stdout
    bad = re.search(r"BAD_STATUS (\d+)", out)
    if bad is None or int(bad.group(1)) or "Non-2xx or 3xx responses" in out:
        raise LoadError(f"wrk saw error answers from {url}:\n{out}")
    if re.search(r"Socket errors:.*(read|write|timeout) [1-9]", out):
        raise LoadError(f"wrk saw socket errors on {url}:\n{out}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    if not (rps and total and p50 and p99):
        raise LoadError(f"cannot read wrk output:\n{out}")
    return LoadResult(float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)),
                      int(total.group(1)), "wrk")


def run_client(url: str, connections: int, seconds: float, headers: dict[str, str],
               max_requests: int = 20_000, post: str | None = None, expect: int = 200) -> LoadResult:
    """``connections`` threads on keep-alive connections until ``seconds``
    pass or ``max_requests`` are sent, whichever comes first."""
    host, port, path = _split(url)
    hdrs = {"User-Agent": USER_AGENT, **headers}
    if post is not None:
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    method, body = ("POST", post.encode()) if post is not None else ("GET", None)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    budget = [max_requests]
    start = time.perf_counter()
    deadline = start + seconds

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine: list[float] = []
        try:
            # Every connection sends at least one request, however late its
            # thread got going on a busy machine.
            while not mine or time.perf_counter() < deadline:
                with lock:
                    if budget[0] <= 0:
                        break
                    budget[0] -= 1
                t0 = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=hdrs)
                    resp = conn.getresponse()
                    resp.read()
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append(repr(e))
                    break  # the run is refused anyway
                mine.append(time.perf_counter() - t0)
                if resp.status != expect:
                    with lock:
                        errors.append(f"HTTP {resp.status}")
                if resp.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=30)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise LoadError(f"{len(errors)} failed requests on {url}, first: {errors[0]}")
    if not latencies:
        raise LoadError(f"no request completed on {url}")
    latencies.sort()
    return LoadResult(len(latencies) / elapsed, percentile(latencies, 50) * 1e3,
                      percentile(latencies, 99) * 1e3, len(latencies), "python")


def run_load(url: str, connections: int, seconds: float, headers: dict[str, str] | None = None,
             use_wrk: bool = True, max_requests: int = 20_000, post: str | None = None,
             expect: int = 200) -> LoadResult:
    headers = dict(headers or {})
    headers.setdefault("User-Agent", USER_AGENT)
    if use_wrk and wrk_available():
        return run_wrk(url, connections, seconds, headers, post, expect)
    return run_client(url, connections, seconds, headers, max_requests, post, expect)
