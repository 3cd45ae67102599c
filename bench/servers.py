"""Gunicorn servers on loopback, started for a case and always stopped by PID.

The platform and its peers run under exactly the same settings
(``GUNICORN_SETTINGS``) so the ratio compares applications, not servers.
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent

#: gunicorn's default sync worker, one process per core.  Measured on this
#: 2-core machine, ``gthread`` with 4 threads per worker gave both the
#: platform and the hello app fewer requests per second and a noisier p99
#: (threads fight over the GIL), so the sync worker it is, for every server.
GUNICORN_SETTINGS = (
    "--workers", "2", "--backlog", "256", "--timeout", "120",
    "--graceful-timeout", "5", "--log-level", "warning",
)


def gunicorn_settings(workers: int = 2) -> tuple[str, ...]:
    """The settings every server of a run gets (the smoke run uses one worker)."""
    out = list(GUNICORN_SETTINGS)
    out[out.index("--workers") + 1] = str(workers)
    return tuple(out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn master on 127.0.0.1; ``stop()`` signals its PID only."""

    def __init__(self, name: str, app_spec: str, env: dict[str, str], log_dir: Path,
                 ready_path: str = "/", workers: int = 2):
        self.name = name
        self.workers = workers
        self.app_spec = app_spec
        self.env = env
        self.log_path = log_dir / f"server-{name}.log"
        self.ready_path = ready_path
        self.port = 0
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> "Server":
        self.port = free_port()
        env = dict(os.environ)
        env.update(self.env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        cmd = [sys.executable, "-m", "gunicorn", *gunicorn_settings(self.workers),
               "--bind", f"127.0.0.1:{self.port}", self.app_spec]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        # A new session makes the master the leader of its own process group,
        # so a master that will not stop can be killed with its workers by its PID.
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server {self.name} exited; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", self.ready_path)
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server {self.name} did not answer in {timeout:.0f}s; see {self.log_path}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group led by our own PID
            proc.wait(timeout=5)


@contextmanager
def running(*servers: Server) -> Iterator[tuple[Server, ...]]:
    """Start every server; stop each of them whatever happens."""
    started: list[Server] = []
    try:
        for s in servers:
            started.append(s)
            s.start()
        yield servers
    finally:
        for s in reversed(started):
            s.stop()
