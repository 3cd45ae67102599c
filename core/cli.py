"""The ``qudao`` command line.  ``qudao --help`` lists everything; plugins add
their own groups through ``register_commands``."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from .documents.cli import documents_group
from .jobs.cli import worker_cmd


def _create_app():
    from .app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False, set_debug_flag=False)
def main():
    """Qudao (渠道) — sales-channel platform."""


def _ext():
    return current_app.extensions["qudao"]


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def _require_db() -> None:
    """Commands that read the database say so plainly when it is not set up."""
    from sqlalchemy import inspect

    if not inspect(_ext().db.engine).has_table("core_plugin_state"):
        _fail("the database is not initialised yet: run `qudao init` first")


# -- run ------------------------------------------------------------------
@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def run_cmd(host: str, port: int):
    """Development server (use gunicorn in production, see README)."""
    from werkzeug.serving import run_simple

    click.echo(f"Qudao is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    # app.run() refuses to start inside the flask CLI; run werkzeug directly.
    run_simple(host, port, current_app._get_current_object(), threaded=True,
               use_reloader=False, use_debugger=False)


# -- db -------------------------------------------------------------------
@main.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Bring the database to the heads of every installed plugin."""
    from .migrate import MigrationError, upgrade

    try:
        result = upgrade(current_app)
    except MigrationError as e:
        _fail(f"refused: {e}")
    _echo_skipped(result)
    click.echo("database is up to date")


def _echo_skipped(result) -> None:
    """Name each plugin recorded in the database whose package is gone."""
    for line in result.messages():
        click.echo(line, err=True)


@db_group.command("downgrade")
@click.option("--plugin", required=True, help="The plugin whose branch goes back.")
@click.argument("revision")
@with_appcontext
def db_downgrade(plugin: str, revision: str):
    """Take one plugin's branch back to REVISION (an id, a prefix, or "base");
    the other plugins' branches stay where they are."""
    from .migrate import MigrationError, downgrade

    try:
        undone = downgrade(current_app, plugin, revision)
    except MigrationError as e:
        _fail(f"refused: {e}")
    if undone:
        click.echo(f"{plugin}: undone " + ", ".join(undone))
    else:
        click.echo(f"{plugin}: nothing to undo")


@db_group.command("revision")
@click.option("--plugin", required=True)
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(plugin: str, message: str):
    """Autogenerate a migration in a plugin's branch (developers)."""
    from .migrate import MigrationError, revision

    try:
        revision(current_app, plugin, message)
    except MigrationError as e:
        _fail(f"refused: {e}")


# -- init -----------------------------------------------------------------
@main.command("init")
@click.option("--demo", is_flag=True, help="Load demo data of the enabled plugins.")
@click.option("--admin", "admin_name", default="admin", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the admin password from stdin.")
@with_appcontext
def init_cmd(demo: bool, admin_name: str, password_stdin: bool):
    """Create or upgrade the database and the first admin; optionally demo data."""
    from . import bootstrap

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    app = current_app._get_current_object()
    from .migrate import MigrationError

    try:
        result = bootstrap.init(app, admin_name=admin_name, password=password, demo=demo)
    except MigrationError as e:
        _fail(f"refused: {e}")
    _echo_skipped(result.schema)
    if result.admin_password:
        click.echo(f"admin user: {admin_name}  password: {result.admin_password}")
    elif result.admin_created:
        click.echo(f"admin user: {admin_name} (password as given)")
    for line in result.demo_logins:
        click.echo(line)


# -- plugins --------------------------------------------------------------
@main.group("plugins")
def plugins_group():
    """List, enable and disable plugins."""


@plugins_group.command("list")
@with_appcontext
def plugins_list():
    _require_db()
    ext = _ext()
    with ext.db.session() as s:
        on = ext.host.enabled(s)
        used_by = {n: [u.code for u in ext.host.scope_units(s, n)] for n in ext.host.order}
    for name in ext.host.order:
        m = ext.host.manifests[name]
        if name in ext.host.not_ready:
            state = "not-built"  # offers no features yet: cannot be enabled
        else:
            state = "enabled" if name in on else "disabled"
        deps = ",".join(m.depends) or "-"
        where = ",".join(used_by[name]) or "everywhere"
        click.echo(f"{name:<14} {m.version:<8} {state:<9} depends: {deps:<20} used by: {where}")
    _echo_gone_plugins()


def _echo_gone_plugins() -> None:
    """Plugins the database remembers whose package is not installed."""
    from . import lifecycle

    ext = _ext()
    with ext.db.session() as s:
        gone = sorted(lifecycle.known_names(s) - set(ext.host.manifests))
    for name in gone:
        click.echo(f"{name:<14} {'-':<8} {'missing':<9} recorded in the database but not "
                   f"installed (`qudao plugins uninstall {name}` removes its data)")


@plugins_group.command("enable")
@click.argument("name")
@click.option("--with-deps", is_flag=True, help="Also enable the plugins it needs.")
@click.option("--reason", default=None, help="Why; kept in the audit trail.")
@with_appcontext
def plugins_enable(name: str, with_deps: bool, reason: str | None):
    _require_db()
    from .plugins import PluginError
    from .services import enable_plugin

    ext = _ext()
    try:
        with ext.db.session() as s:
            on = enable_plugin(s, name, with_deps=with_deps, reason=_cli_reason(reason, "enable", name))
    except PluginError as e:
        hint = " (use --with-deps to enable them too)" if "needs" in str(e) else ""
        _fail(f"refused: {e}{hint}")
    click.echo("enabled: " + ", ".join(on))


@plugins_group.command("disable")
@click.argument("name")
@click.option("--reason", default=None, help="Why; kept in the audit trail.")
@with_appcontext
def plugins_disable(name: str, reason: str | None):
    _require_db()
    from .plugins import PluginError
    from .services import disable_plugin

    ext = _ext()
    try:
        with ext.db.session() as s:
            disable_plugin(s, name, reason=_cli_reason(reason, "disable", name))
    except PluginError as e:
        _fail(f"refused: {e}")
    click.echo(f"disabled: {name} (data kept)")


@plugins_group.command("scope")
@click.argument("name")
@click.option("--org-unit", "codes", multiple=True, metavar="CODE",
              help="An org unit whose subtree uses the plugin (repeat for more).")
@click.option("--everywhere", is_flag=True, help="The whole company uses the plugin.")
@click.option("--reason", default=None, help="Why; kept in the audit trail.")
@with_appcontext
def plugins_scope(name: str, codes: tuple[str, ...], everywhere: bool, reason: str | None):
    """Choose the parts of the org tree (org units and the units below them)
    that use a plugin: its menus, home widgets, permissions and pages."""
    _require_db()
    from sqlalchemy import select

    from .models import OrgUnit
    from .plugins import CORE, PluginError
    from .services import set_plugin_scope

    if bool(codes) == everywhere:
        _fail("give either --org-unit CODE (one or more) or --everywhere")
    ext = _ext()
    if name not in ext.host.manifests or name == CORE:
        _fail(f"refused: no installed plugin named '{name}' (core is used everywhere)")
    if name in ext.host.not_ready:
        _fail(f"refused: plugin '{name}' offers no features yet")
    with ext.db.session() as s:
        units = {u.code: u for u in s.execute(
            select(OrgUnit).where(OrgUnit.code.in_(codes))).scalars()} if codes else {}
        unknown = [c for c in codes if c not in units]
        if unknown:
            _fail(f"refused: no org unit with code {', '.join(unknown)}")
        try:
            changed = set_plugin_scope(
                s, name, [units[c] for c in dict.fromkeys(codes)],
                reason=_cli_reason(reason, "scope", name))
        except PluginError as e:
            _fail(f"refused: {e}")
    where = ", ".join(dict.fromkeys(codes)) if codes else "the whole company"
    click.echo(f"{name} used by: {where}" + ("" if changed else " (unchanged)"))


def _cli_reason(reason: str | None, verb: str, name: str) -> str:
    reason = (reason or "").strip()
    return reason or f"qudao plugins {verb} {name} (command line, no reason given)"


@plugins_group.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--reason", default=None, help="Why; kept in the audit trail.")
@with_appcontext
def plugins_uninstall(name: str, yes: bool, reason: str | None):
    """Remove a plugin from the database: its tables and their rows, its
    recorded migration version, enabled flag, settings and permission grants.
    The audit trail, issued documents and number sequences are kept."""
    _require_db()
    from . import lifecycle
    from .migrate import MigrationError, downgrade
    from .plugins import PluginError

    ext = _ext()
    try:
        with ext.db.session() as s:
            plan = lifecycle.uninstall_plan(s, name)
    except PluginError as e:
        _fail(f"refused: {e}")
    click.echo(f"Uninstalling plugin {name} removes from the database:")
    if plan.tables:
        for t in plan.tables:
            click.echo(f"  table {t.name:<40} {t.rows} row(s)")
    else:
        click.echo("  no tables")
    click.echo(f"  {plan.settings} setting(s), {plan.grants} permission grant(s), "
               "its enabled flag and its recorded migration version")
    click.echo("The audit trail, issued documents and number sequences are kept.")
    click.echo("This cannot be undone. Back up the database first: qudao backup FILE")
    if not yes and not click.confirm(f"Uninstall {name} and delete its data?", default=False):
        _fail("cancelled: nothing changed")
    try:
        undone = downgrade(current_app, name, "base") if plan.installed and plan.has_migrations else []
        with ext.db.session() as s:
            dropped = lifecycle.forget(s, name, _cli_reason(reason, "uninstall", name))
    except (PluginError, MigrationError) as e:
        _fail(f"refused: {e}")
    click.echo(f"uninstalled: {name} ({len(undone)} migration(s) undone, "
               f"{len(dropped)} table(s) dropped)")
    if plan.installed:
        click.echo("Remove its package too, or `qudao db upgrade` creates its tables again.")


# -- users ----------------------------------------------------------------
@main.group("users")
def users_group():
    """Manage users."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--org-unit", "org_code", default=None)
@click.option("--full-name", default="")
@click.option("--password-stdin", is_flag=True)
@with_appcontext
def users_create(username, roles, org_code, full_name, password_stdin):
    _require_db()
    from .models import OrgUnit
    from .services import ServiceError, create_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    ext = _ext()
    try:
        with ext.db.session() as s:
            org = None
            if org_code:
                org = s.scalar(select(OrgUnit).where(OrgUnit.code == org_code))
                if org is None:
                    raise ServiceError(f"no org unit with code {org_code}")
            _user, pw = create_user(s, username, password, list(roles), org, full_name)
    except ServiceError as e:
        _fail(f"refused: {e}")
    click.echo(f"created user {username}" + ("" if password else f"  password: {pw}"))


# -- backup, restore ------------------------------------------------------
def _migrations():
    from alembic.script import ScriptDirectory

    from .backup import Migrations
    from .migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(current_app._get_current_object()))
    return Migrations(frozenset(r.revision for r in script.walk_revisions()),
                      tuple(script.get_heads()))


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_cmd(file: str):
    """Write the database and the archived documents and attachments to FILE
    (a .tar, or .tar.gz to compress).  Safe while the app runs."""
    _require_db()
    from .backup import BackupError, create

    ext = _ext()
    plugins = {n: ext.host.manifests[n].version for n in ext.host.order}
    try:
        manifest = create(ext.db, ext.config["DATA_DIR"], file, _migrations(),
                          source={"plugins": plugins})
    except BackupError as e:
        _fail(f"refused: {e}")
    files = manifest["files"]
    size = sum(f["size"] for f in files) + manifest["database"]["size"]
    click.echo(f"backup written: {file} ({manifest['database']['kind']} database, "
               f"{len(files)} files, {size} bytes before archiving)")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_cmd(file: str, yes: bool):
    """Replace the database and the data directory's files with the backup
    FILE.  All or nothing; stop the app and workers first."""
    from .backup import BackupError, RestoreIncomplete, check, read_manifest, restore

    ext = _ext()
    migrations = _migrations()
    try:
        manifest = read_manifest(file)
        check(manifest, ext.db, migrations)
    except BackupError as e:
        _fail(f"refused: {e}")
    click.echo(f"backup of {manifest['created_at']}: {manifest['database']['kind']} database, "
               f"{len(manifest['files'])} files")
    if not yes:
        click.confirm(f"This replaces the database and the files in {ext.config['DATA_DIR']} "
                      "with the backup. Continue?", abort=True)
    try:
        result = restore(ext.db, ext.config["DATA_DIR"], file, migrations)
    except RestoreIncomplete as e:
        _fail(f"restore failed: {e}")
    except BackupError as e:
        _fail(f"restore failed, the existing data are unchanged: {e}")
    ext.state.bump()  # every running process forgets what it cached
    click.echo(f"restored from {file}")
    if result.needs_upgrade:
        click.echo("the backup is from older migrations: run `qudao db upgrade` now")


# -- documents, worker ---------------------------------------------------
main.add_command(documents_group)
main.add_command(worker_cmd)

