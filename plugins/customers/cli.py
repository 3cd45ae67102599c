"""``qudao customers …``: import, export and the nightly grading."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


@click.group("customers")
def group():
    """Customer master: import, export, grading."""


def _ext():
    return current_app.extensions["qudao"]


def _user(session, username: str | None):
    from core.models import User

    if not username:
        return None
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        click.echo(f"refused: no active user {username}", err=True)
        sys.exit(2)
    return user


@group.command("reindex")
@with_appcontext
def reindex_cmd():
    """Rebuild the customer search index (after inserting customers with raw SQL)."""
    from .services import searchwords
    from .services.searchindex import rebuild

    with _ext().db.session() as s:
        searchwords.rebuild(s)
        s.commit()
    with _ext().db.engine.begin() as conn:
        rebuild(conn)
    click.echo("search index rebuilt")


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row, import nothing.")
@click.option("--as", "username", default=None,
              help="Import as this user: default owner, and their access limits apply.")
@with_appcontext
def import_cmd(path: Path, dry_run: bool, username: str | None):
    """Import customers from an .xlsx or .csv file: all rows or none."""
    import time

    from core.services import ServiceError

    from .services.exchange import import_file

    ext = _ext()
    started = time.perf_counter()
    s = ext.db.Session()
    try:
        user = _user(s, username)
        s.info["audit_user_id"] = user.id if user else None
        with path.open("rb") as fh:
            result = import_file(s, fh, path.name, user, dry_run=dry_run)
        if result.ok and not dry_run:
            s.commit()
        else:
            s.rollback()
    except ServiceError as e:
        s.rollback()
        click.echo(f"refused: {e}", err=True)
        sys.exit(1)
    finally:
        s.close()
    took = time.perf_counter() - started
    if not result.ok:
        for n, msg in result.errors:
            click.echo(f"row {n}: {msg}", err=True)
        click.echo(f"nothing imported: {len(result.errors)} problem(s) in {result.rows} rows",
                   err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"all {result.rows} rows are good; nothing imported (dry run, {took:.1f} s)")
    else:
        click.echo(f"imported {result.imported} customers in {took:.1f} s")


@group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "username", default=None,
              help="Export only what this user may see (default: every customer).")
@with_appcontext
def export_cmd(path: Path, username: str | None):
    """Export customers to .xlsx or .csv (by the file's extension).  With
    --as, personal data follows that user's permission (masked without
    core.reveal_pii); without it, values are clear and the export audited."""
    from core import privacy

    from .services.export import PII_COLUMNS, disclosure, export_rows, write

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        click.echo("refused: the file name must end in .xlsx or .csv", err=True)
        sys.exit(2)
    ext = _ext()
    count = 0
    with ext.db.session() as s:
        user = _user(s, username)
        if user is not None:
            shown = disclosure(s, user)
        else:
            # The operator at the shell holds the database already: clear,
            # and audited like any clear export (issue 18).
            privacy.audit_reveal(s, None, "customers_customer", "*", PII_COLUMNS,
                                 "export (command line)")
            shown = privacy.Disclosure(True)

        def counted():
            nonlocal count
            for row in export_rows(s, user, shown=shown):
                count += 1
                yield row

        with path.open("wb") as out:
            write(counted(), out, fmt)
    click.echo(f"exported {max(count - 1, 0)} customers to {path}")


@group.command("grade")
@with_appcontext
def grade_cmd():
    """Recompute the ABC grades of every org unit (run nightly, e.g. from cron)."""
    from .services.grading import recompute

    ext = _ext()
    with ext.db.session() as s:
        counts = recompute(s)
    click.echo("graded: " + ", ".join(f"{g} {n}" for g, n in counts.items()))


def register(cli) -> None:
    cli.add_command(group)
