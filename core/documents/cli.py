"""``qudao documents list | render | verify``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from .. import settings as settings_svc
from ..dates import local_time


def _fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    sys.exit(code)


@click.group("documents")
def documents_group():
    """PDF documents: list specs, issue one, verify a file."""


@documents_group.command("list")
@with_appcontext
def list_cmd():
    """One line per document spec: name, plugin, permission."""
    from sqlalchemy.exc import SQLAlchemyError

    ext = current_app.extensions["qudao"]
    try:
        with ext.db.session() as s:
            on = ext.host.enabled(s)
    except SQLAlchemyError:  # not initialised yet: every installed spec is listed
        on = None
    for name, spec in sorted(ext.documents.items()):
        plugin = ext.host.plugin_of(name)
        state = "" if on is None or plugin in on else "  (plugin disabled)"
        numbered = spec.sequence or "-"
        click.echo(f"{name:<32} {plugin:<14} {spec.permission:<28} {numbered}{state}")


@documents_group.command("render")
@click.argument("name")
@click.argument("record_id")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the PDF.")
@click.option("--as", "username", required=True, help="Issue as this user (access applies).")
@click.option("--locale", default=None, help="zh_CN or en (default: the user's language).")
@with_appcontext
def render_cmd(name, record_id, output, username, locale):
    """Issue and archive document NAME for RECORD_ID, exactly as the web does."""
    from ..access import AccessDenied
    from ..models import User
    from ..services import ServiceError
    from . import service

    ext = current_app.extensions["qudao"]
    with ext.db.session() as s:
        user = s.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if user is None:
            _fail(f"refused: no active user {username!r}")
        with force_locale(locale or user.locale or "zh_CN"):
            s.info["audit_user_id"] = user.id
            try:
                doc = service.issue(s, name, record_id, user, locale=locale)
                data = service.read_pdf(s, doc)
            except AccessDenied:
                s.rollback()
                _fail(f"refused: {username} lacks permission {ext.documents[name].permission}")
            except ServiceError as e:
                s.rollback()
                _fail(f"refused: {e}")
            number, sha, size = doc.number, doc.sha256, doc.size
    Path(output).write_bytes(data)
    click.echo(f"issued {name} {number or '(unnumbered)'} for record {record_id}: "
               f"{output} ({size} bytes, sha256 {sha})")


@documents_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def verify_cmd(file):
    """Exit 0 and print the issue details if FILE is a document we issued."""
    from . import service

    ext = current_app.extensions["qudao"]
    data = Path(file).read_bytes()
    with ext.db.session() as s:
        digest, doc = service.verify_bytes(s, data)
        if doc is None:
            _fail(f"NOT GENUINE: no document with sha256 {digest} was issued here")
        issuer = doc.issuer.username if doc.issuer else "-"
        tz = settings_svc.load_zone(s)
        when = local_time(doc.issued_at, tz)
        click.echo(f"GENUINE: {doc.title} {doc.number or '(unnumbered)'}\n"
                   f"  spec:      {doc.spec}\n  record:    {doc.record_id}\n"
                   f"  issued at: {when:%Y-%m-%d %H:%M:%S} ({tz})\n"
                   f"  issued by: {issuer}\n  size:      {doc.size} bytes\n  sha256:    {digest}")
