"""``qudao finance verify | statements | lock``."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


def _fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@click.group("finance")
def finance_group():
    """Ledger checks and month-end statements."""


@finance_group.command("verify")
@with_appcontext
def verify_cmd():
    """Recompute the hash chain of posted entries, check every posted
    invoice against the document it was posted for and every invoice's and
    credit note's VAT against its lines and entry; exit 1 naming what is broken."""
    from .services import sources
    from .services.ledger import verify_chain

    ext = current_app.extensions["qudao"]
    with ext.db.session() as s:
        report = verify_chain(s)
        problems = sources.check(s)
        tax_problems = sources.check_tax(s)
    broken = False
    if report.ok:
        _verify_dimensions(ext)
        click.echo(f"OK: hash chain intact, {report.checked} entries checked")
    else:
        where = f" at entry {report.first_broken}" if report.first_broken else ""
        click.echo(f"BROKEN{where}: {report.reason} ({report.checked} entries verified before it)",
                   err=True)
        broken = True
    if problems:
        for line in problems:
            click.echo(f"BROKEN: {line}", err=True)
        broken = True
    else:
        click.echo("OK: every posted invoice matches the document it was posted for")
    for line in tax_problems:
        click.echo(f"BROKEN: {line}", err=True)
        broken = True
    if not tax_problems:
        click.echo("OK: every invoice's and credit note's VAT agrees with its lines and entry")
    if broken:
        sys.exit(1)


def _verify_dimensions(ext) -> None:
    """Exit 1 naming each entry with a line on an account that needs a
    customer (``chart.REQUIRED_DIMENSIONS``) but has none: the chain can be
    intact while the trial balance and the aging disagree (issue 20)."""
    from .services.ledger import missing_dimensions

    limit = 100
    with ext.db.session() as s:
        missing = missing_dimensions(s, limit)
    if not missing:
        return
    for number, code, dim in missing:
        click.echo(f"BROKEN at entry {number}: a line on account {code} has no {dim}", err=True)
    more = " (first 100 shown)" if len(missing) >= limit else ""
    _fail(f"BROKEN: {len(missing)} finding(s){more} of lines without a required dimension")


@finance_group.command("statements")
@click.option("--month", "period", required=True, help="YYYY-MM, a month that has ended.")
@click.option("--org-unit", "org_code", default=None, help="Org unit code (default: the whole company).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The ZIP file to write.")
@click.option("--as", "username", default=None,
              help="Issue as this user (default: the first administrator).")
@click.option("--locale", default=None, type=click.Choice(["zh_CN", "en"]),
              help="Language of the statements (default: the finance.statement_locale setting).")
@with_appcontext
def statements_cmd(period, org_code, output, username, locale):
    """Issue and archive every statement of a month for an org unit into one ZIP."""
    from flask_babel import force_locale

    from core.access import has_permission
    from core.models import OrgUnit, Role, User
    from core.services import ServiceError

    from .batch import batch_targets, write_statements

    ext = current_app.extensions["qudao"]
    with ext.db.session() as s:
        if org_code:
            unit = s.scalar(select(OrgUnit).where(OrgUnit.code == org_code))
            if unit is None:
                _fail(f"refused: no org unit with code {org_code}")
        else:
            unit = s.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        if username:
            user = s.scalar(select(User).where(User.username == username, User.active.is_(True)))
        else:
            user = s.scalar(select(User).where(User.active.is_(True),
                                               User.roles.any(Role.name == "admin"))
                            .order_by(User.id))
        if user is None:
            _fail(f"refused: no active user {username or '(administrator)'}")
        if not has_permission(s, user, "finance.statement_issue"):
            _fail(f"refused: {user.username} lacks permission finance.statement_issue")
        try:
            targets = batch_targets(s, period, unit.id, user)
        except ServiceError as e:
            _fail(f"refused: {e}")
        user_id, unit_name = user.id, unit.name
        if locale is None:
            from .services import settings_of

            locale = settings_of(s, "finance.statement_locale")
    if not targets:
        _fail(f"nothing to do: no customer of {unit_name} has a balance or a movement in {period}")

    @contextmanager
    def scope():
        with ext.db.session() as s:
            s.info["audit_user_id"] = user_id
            yield s

    problems: list[str] = []
    with force_locale(locale):
        issued = write_statements(scope, user_id, period, targets, output, locale,
                                  report=problems.append)
    for line in problems:
        click.echo(f"  skipped: {line}", err=True)
    click.echo(f"{issued} of {len(targets)} statements for {period} ({unit_name}) written to {output}")
    if issued == 0:
        sys.exit(1)


@finance_group.command("lock")
@click.argument("day")
@with_appcontext
def lock_cmd(day):
    """Close the books up to DAY (YYYY-MM-DD); the lock date only moves forward."""
    from datetime import date

    from core.services import ServiceError

    from .services.ledger import set_lock_date

    try:
        when = date.fromisoformat(day)
    except ValueError:
        _fail(f"refused: {day} is not a date (YYYY-MM-DD)")
    ext = current_app.extensions["qudao"]
    try:
        with ext.db.session() as s:
            set_lock_date(s, when)
    except ServiceError as e:
        _fail(f"refused: {e}")
    click.echo(f"books locked up to {when.isoformat()}")
