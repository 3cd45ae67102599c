"""Child process of the statement-PDF case: issue one statement PDF and
print the peak RSS as JSON, so the figure is the document service's alone,
not the harness's.  A long statement is laid out in parts by render
processes (core/documents/pool.py), so the peak is that of the whole
process tree: this process plus every descendant (the fork server and its
render workers), sampled every 10 ms while the statement is issued, and
never less than this process's own high-water mark."""
from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path


def _rss_mb() -> float:
    """This process's peak RSS.  ``VmHWM`` starts afresh at ``execve``;
    ``ru_maxrss`` would carry over the parent's (the harness's) peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tree_rss_mb() -> float:
    """Current RSS of this process and all its descendants."""
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents.setdefault(int(fields[1]), []).append(pid)  # field 4: ppid
        rss[pid] = int(fields[21])  # field 24: rss in pages
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(parents.get(pid, ()))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


class TreePeak(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0.0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, _tree_rss_mb())
            self.stop.wait(0.01)


def main(url: str, data_dir: str, statement_id: str, user_id: str) -> None:
    from core.app import create_app
    from core import documents
    from core.models import User

    app = create_app({"DATABASE_URL": url, "DATA_DIR": str(Path(data_dir).resolve()),
                      "SECRET_KEY": "qudao-bench"})
    ext = app.extensions["qudao"]
    base = _rss_mb()
    with ext.db.session() as s:
        s.info["enabled"] = ext.host.enabled(s)
        user = s.get(User, int(user_id))
        sampler = TreePeak()
        sampler.start()
        t0 = time.perf_counter()
        doc = documents.issue(s, "finance.statement", int(statement_id), user, locale="zh_CN")
        seconds = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
        data = documents.read_pdf(s, doc)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(json.dumps({"base_mb": base, "peak_mb": max(sampler.peak, _rss_mb()),
                      "own_peak_mb": _rss_mb(), "processes": ext.pdf.processes,
                      "seconds": seconds, "pages": pages, "bytes": len(data)}))
    ext.pdf.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
