"""The month-end statement batch: every statement of a month for an org
unit, each issued and archived in its own transaction, then one ZIP.

As a background job the batch splits itself: the first chunk of customers
is worked by the job itself, the others become ``finance.statement_chunk``
jobs; as many of them are queued as there are other workers, and every
worker of the batch takes the next chunk nobody has started until none is
left (a chunk is claimed exactly once), so one worker finishes the batch
alone and several share it, ending within a chunk of each other.  Each
statement renders outside any write lock (``issue_one``).  The ZIP is
then assembled from the archive — the PDFs were stored by SHA-256 as they
were issued.  ``qudao finance statements`` runs
the same steps in one process.
"""
from __future__ import annotations

import logging
import math
import time
import zipfile
from datetime import date
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import AccessDenied, subtree_ids
from core.db import reading
from core.i18n import _, _l
from core.services import ServiceError
from plugins.customers import api as customers
from plugins.customers.api import Customer

from .models import Statement
from .services import statements as st_svc
from core import clock

log = logging.getLogger(__name__)

STATEMENT_BATCH = "finance.statement_batch"
STATEMENT_CHUNK = "finance.statement_chunk"
POLL_SECONDS = 0.1


def batch_targets(session: Session, period: str, org_unit_id: int, user) -> list[int]:
    """Customers of the org unit (and below) that ``user`` sees, with a
    balance or a movement in the month."""
    start, end = st_svc.parse_period(period)
    if end >= clock.today():
        raise ServiceError(_l("A month can be stated once it has ended."))
    ids = select(Customer.id).where(Customer.org_unit_id.in_(subtree_ids(org_unit_id)),
                                    Customer.id.in_(customers.customer_ids_for(user)))
    return st_svc.customers_with_activity(session, ids, start, end)


def start_statement_batch(session: Session, period: str, org_unit_id: int, user,
                          locale: str | None = None):
    """Queue the month-end batch for an org unit.  Commit, then ``core.jobs.dispatch``."""
    from core import jobs
    from core.access import require

    require(session, user, "finance.statement_issue")
    targets = batch_targets(session, period, org_unit_id, user)
    if not targets:
        raise ServiceError(_l("No customer of this org unit has a balance or a movement in %(p)s.",
                              p=period))
    label = str(_l("Statements %(p)s × %(n)s", p=period, n=len(targets)))
    return jobs.create(session, STATEMENT_BATCH, user,
                       {"period": period, "customer_ids": targets, "locale": locale}, label=label)


# -- issuing ---------------------------------------------------------------
def issue_one(session_scope, customer_id: int, period: str, owner_id: int, locale: str) -> None:
    """One customer's statement, as the batch issues it
    (``statements.issue_statement``: figures computed once, numbered, the
    PDF rendered outside any write lock from the same figures, archived);
    an answered statement keeps the copy that was sent."""
    st_svc.issue_statement(session_scope, customer_id, period, owner_id, locale,
                           keep_answered=True)


def customer_name(session_scope, customer_id: int) -> str:
    """``C2026-00014 杭州华联电器有限公司`` for a problem line: customers are
    named by code and name, not by database id (issue 21)."""
    with reading(), session_scope() as s:
        row = s.execute(select(Customer.code, Customer.name)
                        .where(Customer.id == customer_id)).first()
    return f"{row.code} {row.name}" if row is not None else str(customer_id)


def issue_many(session_scope, owner_id: int, period: str, customer_ids: list, locale: str,
               on_each: Callable[[], None] | None = None) -> list[str]:
    """Issue each customer's statement in its own transactions; returns the
    problems (one line per refused customer), the others are kept."""
    problems: list[str] = []
    for cid in customer_ids:
        try:
            issue_one(session_scope, int(cid), period, owner_id, locale)
        except (ServiceError, AccessDenied) as exc:
            problems.append(_("Customer %(customer)s: %(reason)s",
                              customer=customer_name(session_scope, int(cid)), reason=str(exc)))
        except Exception as exc:  # noqa: BLE001 - one bad statement must not sink the batch
            log.exception("statement batch: customer %s failed", cid)
            problems.append(_("Customer %(customer)s: unexpected error (%(kind)s)",
                              customer=customer_name(session_scope, int(cid)),
                              kind=type(exc).__name__))
        if on_each is not None:
            on_each()
    return problems


def write_zip(session_scope, period: str, customer_ids: list, path, problems: list[str]) -> int:
    """Put the archived PDF of each customer's statement — answered ones
    too, as they were sent — into one ZIP (plus ``errors.txt``, each problem
    once, in ``problems`` too); returns how many PDFs it holds."""
    from core import documents

    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with reading(), session_scope() as s:
            rows = s.execute(
                select(Statement, Customer.code, Customer.name)
                .join(Customer, Customer.id == Statement.customer_id)
                .where(Statement.period == period, Statement.customer_id.in_(customer_ids),
                       Statement.document_id.is_not(None))
                .order_by(Customer.code)).all()
            for st, code, name in rows:
                doc = s.get(documents.IssuedDocument, st.document_id)
                try:
                    # PDFs are compressed already: stored, not deflated again.
                    zf.writestr(f"{code}-{period}.pdf", documents.read_pdf(s, doc),
                                compress_type=zipfile.ZIP_STORED)
                    count += 1
                except documents.DocumentError as exc:
                    problems.append(_("Customer %(customer)s: %(reason)s",
                                      customer=f"{code} {name}", reason=str(exc)))
        # A chunk's problems reach the batch from its job and from the worker
        # that took it: each line once.
        problems[:] = dict.fromkeys(problems)
        if problems:
            zf.writestr("errors.txt", "\n".join(problems) + "\n")
    return count


def write_statements(session_scope, owner_id: int, period: str, customer_ids: list, path,
                     locale: str, report: Callable[[str], None] | None = None) -> int:
    """Issue every statement, then the ZIP — in this process
    (``qudao finance statements``).  Returns how many PDFs the ZIP holds."""
    problems = issue_many(session_scope, owner_id, period, customer_ids, locale)
    count = write_zip(session_scope, period, customer_ids, path, problems)
    for line in problems:
        if report is not None:
            report(line)
    return count


# -- the background job ----------------------------------------------------
def _chunks(ids: list) -> list[list]:
    """Small chunks (2-50 statements, about 20 of them): whoever is free
    takes the next one, so the workers end within a chunk of each other."""
    size = max(2, min(50, math.ceil(len(ids) / 20)))
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _take_chunks(ctx, period: str, locale: str, chunk_ids: list[int],
                 tick: Callable[[], None] | None) -> tuple[list[int], list[str]]:
    """Claim, in turn, each chunk job of ``chunk_ids`` that no worker has
    started, and issue its statements here; returns the chunks taken and
    the problems found.  A chunk is claimed exactly once, so every worker
    of the batch (the batch job itself, the chunk jobs) can run this loop."""
    from core import jobs
    from core.jobs import service as job_service

    taken: list[int] = []
    problems: list[str] = []
    for job_id in chunk_ids:
        with ctx.session() as s:
            if not job_service.claim(s, job_id):
                continue
            ids = list(s.get(jobs.Job, job_id).params["customer_ids"])
        taken.append(job_id)
        try:
            found = issue_many(ctx.session, ctx.owner_id, period, ids, locale, tick)
        except BaseException as exc:  # the chunk must not stay "running" for ever
            with ctx.session() as s:
                job_service.finish(s, job_id, jobs.FAILED, error=type(exc).__name__)
            raise
        problems.extend(found)
        with ctx.session() as s:
            job_service.finish(s, job_id, jobs.DONE, error="\n".join(found) or None,
                               message=_("Done by the batch job"))
    return taken, problems


def statement_batch(ctx, period: str, customer_ids: list, locale: str | None = None) -> str:
    """Job handler of ``finance.statement_batch``: the ZIP is the job's result.

    The customers are split into chunk jobs.  As many of them are queued as
    there are other workers to run them (``core.jobs.capacity``); this job
    and each of those take chunks one after the other until none is left,
    then this job waits for the ones still running and writes the ZIP."""
    from core import jobs
    from core.jobs import service as job_service

    locale = locale or ctx.locale
    result = f"statements-{period}.zip"
    ctx.set_result(result)
    total, done = len(customer_ids), [0]
    chunks = _chunks(list(customer_ids))

    def tick() -> None:
        done[0] += 1
        ctx.progress(done[0] * 95 // total, _("%(done)d of %(total)d statements",
                                              done=min(done[0], total), total=total))

    children: dict[int, list] = {}
    if len(chunks) > 1:
        with ctx.session() as s:
            owner = ctx.owner(s)
            made = [jobs.create(s, STATEMENT_CHUNK, owner,
                                {"period": period, "customer_ids": ids, "locale": locale,
                                 "parent": ctx.job_id},
                                label=f"{period} {n}/{len(chunks)}", parent_id=ctx.job_id)
                    for n, ids in enumerate(chunks[1:], start=2)]
            order = [job.id for job in made]
            for job, ids in zip(made, chunks[1:]):
                job.params = {**job.params, "chunks": order}
                children[job.id] = ids
        capacity = jobs.capacity(ctx.ext)
        helpers = len(order) if capacity is None else max(0, min(len(order), capacity - 1))
        for job_id in order[:helpers]:
            jobs.dispatch(ctx.ext, job_id)
    problems = issue_many(ctx.session, ctx.owner_id, period, chunks[0], locale, tick)
    taken, found = _take_chunks(ctx, period, locale, list(children), tick)
    problems.extend(found)
    # Wait for the chunks other workers are running.
    waiting = set(children) - set(taken)
    while waiting:
        with ctx.session() as s:
            rows = s.execute(select(jobs.Job.id, jobs.Job.status, jobs.Job.error)
                             .where(jobs.Job.id.in_(waiting))).all()
        for job_id, status, error in rows:
            if status in (jobs.DONE, jobs.FAILED):
                waiting.discard(job_id)
                done[0] += len(children[job_id])
                error = job_service.shown(error)  # a reaped chunk's reason is a key
                if error:
                    problems.extend(line for line in error.splitlines() if line.strip())
        ctx.progress(done[0] * 95 // total, _("%(done)d of %(total)d statements",
                                              done=min(done[0], total), total=total))
        if waiting:
            time.sleep(POLL_SECONDS)
    count = write_zip(ctx.session, period, list(customer_ids), ctx.path(result), problems)
    for line in problems:
        ctx.report(line)
    if count == 0:
        raise ServiceError(_("No statement could be issued."))
    return result


def statement_chunk(ctx, period: str, customer_ids: list, locale: str | None = None,
                    parent: int | None = None, chunks: list | None = None) -> None:
    """Job handler of ``finance.statement_chunk``: part of a batch.  After
    its own customers it takes the batch's other chunks that no worker has
    started yet."""
    total, done = len(customer_ids), [0]
    locale = locale or ctx.locale

    def tick() -> None:
        done[0] += 1
        ctx.progress(min(done[0] * 100 // total, 99))

    for line in issue_many(ctx.session, ctx.owner_id, period, customer_ids, locale, tick):
        ctx.report(line)
    for line in _take_chunks(ctx, period, locale, [c for c in chunks or () if c != ctx.job_id],
                             None)[1]:
        ctx.report(line)
