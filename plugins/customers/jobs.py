"""Big customer imports as a background job (``customers.import``).

The web page keeps small files synchronous; a file with more than
``core.spreadsheets.IMPORT_BACKGROUND_ROWS`` data rows is moved into the
job's folder and imported there with progress (rows checked, then the
insert), all or nothing as on the page.  The uploaded copy is removed
when the job ends.  No Flask."""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from core import spreadsheets
from core.db import reading
from core.i18n import _, _l
from core.models import User
from core.services import ServiceError

from .services import exchange

IMPORT_JOB = "customers.import"


def upload_path(session: Session, filename: str) -> Path:
    """A fresh file under ``DATA_DIR/uploads`` for an upload to be spooled to."""
    root = Path(session.ext.config["DATA_DIR"]) / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    suffix = Path(filename or "").suffix.lower()
    return root / (secrets.token_hex(16) + (suffix if suffix in (".xlsx", ".csv") else ""))


def is_big(session: Session, path: Path, filename: str) -> bool:
    """True when the file has more data rows than are imported on the page
    (counting stops there).  Refuses a file that breaks the limits."""
    with path.open("rb") as fh:
        n = exchange.count_rows(fh, filename, exchange.limits(session),
                                spreadsheets.IMPORT_BACKGROUND_ROWS + 1)
    return n > spreadsheets.IMPORT_BACKGROUND_ROWS


def start_import(session: Session, path: Path, filename: str, user: User, dry_run: bool):
    """Queue the import of the spooled file ``path`` (moved into the job's
    folder).  The caller commits, then ``core.jobs.dispatch``."""
    from core import jobs

    job = jobs.create(session, IMPORT_JOB, user, {}, label=str(
        _l("Customer import: %(name)s", name=Path(filename or "").name[:150])))
    name = "upload" + path.suffix
    dest = jobs.job_dir(session.ext.config, job.id) / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    path.replace(dest)
    job.params = {"file": name, "filename": Path(filename or "").name, "dry_run": bool(dry_run)}
    return job


def import_job(ctx, file: str, filename: str, dry_run: bool = False) -> None:
    """Job handler of ``customers.import``."""
    path = ctx.path(file)

    @contextmanager
    def read_scope():
        with reading(), ctx.session() as s:
            yield s

    try:
        with path.open("rb") as fh:
            result = exchange.import_in_steps(read_scope, ctx.session, fh, filename,
                                              ctx.owner_id, dry_run=dry_run,
                                              progress=ctx.progress)
    finally:
        path.unlink(missing_ok=True)
    if not result.ok:
        for n, msg in result.errors[:1000]:
            ctx.report(_("Row %(n)s: %(problem)s", n=n, problem=msg))
        if len(result.errors) > 1000:
            ctx.report(_("… and %(n)s more.", n=len(result.errors) - 1000))
        raise ServiceError(_l("Nothing was imported: %(n)s problem(s) in the file.",
                              n=len(result.errors)))
    if result.dry_run:
        ctx.progress(100, _("All %(n)s rows are good; nothing was imported (check only).",
                            n=result.rows))
    else:
        ctx.progress(100, _("%(n)s customers imported.", n=result.imported))
