"""Child process of the statement-PDF case: issue one statement PDF and
print the process's peak RSS as JSON (``ru_maxrss``), so the figure is the
document service's alone, not the harness's."""
from __future__ import annotations

import json
import resource
import sys
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
        t0 = time.perf_counter()
        doc = documents.issue(s, "finance.statement", int(statement_id), user, locale="zh_CN")
        seconds = time.perf_counter() - t0
        data = documents.read_pdf(s, doc)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(json.dumps({"base_mb": base, "peak_mb": _rss_mb(), "seconds": seconds,
                      "pages": pages, "bytes": len(data)}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
