"""Schema management through Alembic, one branch per plugin plus core.

``qudao db upgrade`` brings a database to the heads of all installed
plugins.  Developers add a revision to their plugin's branch with
``qudao db revision --plugin NAME -m "what changed"``.

Each branch's version is recorded on its own row of ``alembic_branch_version``
(branch = plugin name).  Alembic's own single ``alembic_version`` table keeps
only the heads of the whole revision graph, so a plugin revision that
``depends_on`` core's and customers' heads replaced their rows with its own,
and once that plugin was uninstalled nothing told which revision core and
customers were at.  Here the scripts of every installed plugin are read with
Alembic's ``ScriptDirectory`` and each plugin's revisions are run, in plugin
dependency order, with Alembic's ``Operations``; a plugin whose branch is
recorded but which is no longer installed is reported and left alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from flask import Flask
from sqlalchemy import Column, MetaData, String, Table, delete, inspect, insert, select, text, update

from .db import Base

#: One row per plugin branch: the revision the database is at.
VERSION_TABLE = "alembic_branch_version"
#: Alembic's own table, used by databases migrated before branches were
#: recorded one by one; read once and dropped by :func:`upgrade`.
LEGACY_VERSION_TABLE = "alembic_version"
#: Filled with the script heads while ``qudao db revision`` autogenerates.
AUTOGEN_VERSION_TABLE = "alembic_version_autogen"

_meta = MetaData()
versions = Table(
    VERSION_TABLE, _meta,
    Column("branch", String(64), primary_key=True),
    Column("version_num", String(64), nullable=False),
)


class MigrationError(Exception):
    """A migration refused with a message for the operator (no traceback)."""


def _versions_dir(module) -> Path | None:
    file = getattr(module, "__file__", None)
    return Path(file).parent / "migrations" / "versions" if file else None


def alembic_config(app: Flask, connection=None) -> Config:
    ext = app.extensions["qudao"]
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    locations = []
    for name in ext.host.order:
        d = _versions_dir(ext.host.modules[name])
        if d is not None and d.is_dir():
            locations.append(str(d))
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["metadata"] = Base.metadata
    cfg.attributes["connection"] = connection
    return cfg


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass
class Branches:
    """The revisions of every installed plugin, each branch in apply order."""

    script: ScriptDirectory
    order: list[str]
    revisions: dict[str, list[Script]] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)  # revision id -> plugin

    def head(self, plugin: str) -> str | None:
        revs = self.revisions.get(plugin)
        return revs[-1].revision if revs else None

    def index(self, plugin: str, rev: str) -> int:
        return [r.revision for r in self.revisions[plugin]].index(rev)

    def applied(self, plugin: str, recorded: str | None) -> list[Script]:
        if recorded is None:
            return []
        return self.revisions[plugin][: self.index(plugin, recorded) + 1]

    def dependencies(self, rev: Script) -> list[str]:
        deps = _tuple(rev.dependencies)
        return [r.revision for r in self.script.get_revisions(deps) if r is not None] if deps else []

    def resolve(self, plugin: str, rev: str) -> str | None:
        """A revision of ``plugin`` by id or unique prefix; None = "base"."""
        if rev == "base":
            return None
        ids = [r.revision for r in self.revisions.get(plugin, ())]
        hits = [i for i in ids if i.startswith(rev)]
        if len(hits) != 1:
            known = ", ".join(ids) or "none"
            raise MigrationError(
                f"plugin {plugin} has no revision {rev!r} (its revisions: {known}; or 'base')")
        return hits[0]


def branches(app: Flask) -> Branches:
    host = app.extensions["qudao"].host
    script = ScriptDirectory.from_config(alembic_config(app))
    dirs = {}
    for name in host.order:
        d = _versions_dir(host.modules[name])
        if d is not None and d.is_dir():
            dirs[d.resolve()] = name
    found: dict[str, dict[str, Script]] = {name: {} for name in host.order}
    out = Branches(script=script, order=list(host.order))
    for rev in script.walk_revisions():
        plugin = dirs.get(Path(rev.path).parent.resolve())
        if plugin is None:
            continue
        found[plugin][rev.revision] = rev
        out.owner[rev.revision] = plugin
    for plugin, revs in found.items():
        out.revisions[plugin] = _branch_order(plugin, revs)
    return out


def _branch_order(plugin: str, revs: dict[str, Script]) -> list[Script]:
    """A branch's revisions, each after its down revisions; one head only."""
    ordered: list[Script] = []
    done: set[str] = set()
    pending = dict(revs)
    while pending:
        ready = sorted(k for k, r in pending.items()
                       if all(d in done or d not in revs for d in _tuple(r.down_revision)))
        if not ready:  # pragma: no cover - Alembic refuses cycles first
            raise MigrationError(f"plugin {plugin}: its revisions form a cycle")
        for k in ready:
            ordered.append(pending.pop(k))
            done.add(k)
    downs = {d for r in ordered for d in _tuple(r.down_revision)}
    heads = [r.revision for r in ordered if r.revision not in downs]
    if len(heads) > 1:
        raise MigrationError(
            f"plugin {plugin} has several migration heads ({', '.join(heads)}): "
            "merge them in its branch first")
    return ordered


# -- the version rows --------------------------------------------------------
def recorded_versions(conn) -> dict[str, str]:
    """``{branch: revision}`` as recorded in the database (empty when none)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return {}
    return dict(conn.execute(select(versions.c.branch, versions.c.version_num)).all())


def _record(conn, plugin: str, rev: str | None, before: str | None) -> None:
    if rev is None:
        conn.execute(delete(versions).where(versions.c.branch == plugin))
    elif before is None:
        conn.execute(insert(versions).values(branch=plugin, version_num=rev))
    else:
        conn.execute(update(versions).where(versions.c.branch == plugin).values(version_num=rev))


def _ensure_version_table(conn, br: Branches) -> None:
    insp = inspect(conn)
    if insp.has_table(VERSION_TABLE):
        return
    versions.create(conn)
    if insp.has_table(LEGACY_VERSION_TABLE):
        _convert_legacy(conn, br)


def _convert_legacy(conn, br: Branches) -> None:
    """Record each branch from Alembic's single version table: a branch is at
    the last of its revisions that the recorded heads need."""
    heads = [r for (r,) in conn.execute(text(f"SELECT version_num FROM {LEGACY_VERSION_TABLE}"))]
    unknown = [h for h in heads if h not in br.owner]
    if unknown:
        raise MigrationError(
            "the database records migration revision(s) "
            f"{', '.join(unknown)} of a plugin that is not installed, from before each "
            "plugin's version was recorded on its own: install that plugin again and run "
            "`qudao db upgrade` once, then uninstall it with `qudao plugins uninstall NAME`")
    applied: set[str] = set()
    stack = list(heads)
    while stack:
        rev = stack.pop()
        if rev in applied or rev not in br.owner:
            continue
        applied.add(rev)
        script = br.script.get_revision(rev)
        stack.extend(_tuple(script.down_revision))
        stack.extend(br.dependencies(script))
    for plugin in br.order:
        done = [r.revision for r in br.revisions[plugin] if r.revision in applied]
        if done:
            _record(conn, plugin, done[-1], None)
    conn.execute(text(f"DROP TABLE {LEGACY_VERSION_TABLE}"))


def _context(conn) -> MigrationContext:
    return MigrationContext.configure(conn)


@dataclass
class UpgradeResult:
    #: plugin -> revisions applied
    applied: dict[str, list[str]] = field(default_factory=dict)
    #: plugins recorded in the database whose package is not installed
    gone: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        return [gone_message(name) for name in self.gone]


def gone_message(name: str) -> str:
    return f"plugin {name} is recorded in the database but not installed; skipped"


def upgrade(app: Flask) -> UpgradeResult:
    """Every installed plugin to its head, dependencies first.  A branch
    recorded for a plugin that is not installed is left as it is and named
    in the result."""
    br = branches(app)
    result = UpgradeResult()
    engine = app.extensions["qudao"].db.engine
    with engine.begin() as conn:
        _ensure_version_table(conn, br)
        recorded = recorded_versions(conn)
        result.gone = sorted(b for b in recorded if b not in br.revisions)
        ctx = _context(conn)
        with Operations.context(ctx):
            for plugin in br.order:
                before = recorded.get(plugin)
                revs = br.revisions[plugin]
                if before is not None and before not in br.owner:
                    raise MigrationError(
                        f"the database records revision {before} for plugin {plugin}, which "
                        "this version of the plugin does not have (was it downgraded?)")
                start = br.index(plugin, before) + 1 if before is not None else 0
                todo = revs[start:]
                for rev in todo:
                    _check_dependencies(br, plugin, rev, conn)
                    rev.module.upgrade()
                    _record(conn, plugin, rev.revision, before)
                    before = rev.revision
                if todo:
                    result.applied[plugin] = [r.revision for r in todo]
    return result


def _check_dependencies(br: Branches, plugin: str, rev: Script, conn) -> None:
    recorded = recorded_versions(conn)
    for dep in br.dependencies(rev):
        owner = br.owner.get(dep)
        if owner is None or owner == plugin:
            continue
        at = recorded.get(owner)
        if at is None or br.index(owner, at) < br.index(owner, dep):
            raise MigrationError(
                f"plugin {plugin}'s revision {rev.revision} needs {owner}'s revision {dep}, "
                f"which is not applied: upgrade {owner} first")


def downgrade(app: Flask, plugin: str, target: str) -> list[str]:
    """Take ``plugin``'s branch (only) back to revision ``target`` (an id, a
    unique prefix, or ``base``).  Refused while another plugin's applied
    revision needs one that would be undone.  Returns the revisions undone."""
    br = branches(app)
    if plugin not in br.revisions:
        raise MigrationError(f"no installed plugin named {plugin!r}")
    goal = br.resolve(plugin, target)
    engine = app.extensions["qudao"].db.engine
    with engine.begin() as conn:
        _ensure_version_table(conn, br)
        recorded = recorded_versions(conn)
        at = recorded.get(plugin)
        if at is None:
            if goal is None:
                return []
            raise MigrationError(f"plugin {plugin} has no migration applied")
        applied = br.applied(plugin, at)
        keep = br.index(plugin, goal) + 1 if goal is not None else 0
        if keep > len(applied):
            raise MigrationError(
                f"plugin {plugin} is at {at}, below {goal}: use `qudao db upgrade` to go up")
        undo = list(reversed(applied[keep:]))
        undone = {r.revision for r in undo}
        for other, other_at in recorded.items():
            if other == plugin or other not in br.revisions:
                continue
            for rev in br.applied(other, other_at):
                needs = undone.intersection(br.dependencies(rev))
                if needs:
                    raise MigrationError(
                        f"plugin {other}'s revision {rev.revision} needs {plugin}'s "
                        f"revision {', '.join(sorted(needs))}; downgrade {other} first")
        ctx = _context(conn)
        with Operations.context(ctx):
            before = at
            for rev in undo:
                rev.module.downgrade()
                new = _tuple(rev.down_revision)
                new_at = next((d for d in new if br.owner.get(d) == plugin), None)
                _record(conn, plugin, new_at, before)
                before = new_at
    return [r.revision for r in undo]


def forget(conn, plugin: str) -> None:
    """Drop a plugin's recorded version (its tables are gone)."""
    if inspect(conn).has_table(VERSION_TABLE):
        conn.execute(delete(versions).where(versions.c.branch == plugin))


def pending_changes(app: Flask) -> list:
    """Differences between the migrated schema and the models (empty = in step)."""
    engine = app.extensions["qudao"].db.engine
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, Base.metadata)
    prefixes = tuple(f"{n}_" for n in app.extensions["qudao"].host.order)
    return [d for d in diffs if _table_of(d).startswith(prefixes)]


def _table_of(diff) -> str:
    """The table a diff concerns; tables of no installed plugin (test
    models, the version tables) are not ours to compare."""
    if isinstance(diff, list):  # column-level diffs come grouped
        diff = diff[0]
    for part in diff[1:4]:
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return table.name
        if getattr(part, "name", None) and hasattr(part, "columns"):
            return part.name
        if isinstance(part, str) and part:
            return part
    return ""


def revision(app: Flask, plugin: str, message: str) -> None:
    ext = app.extensions["qudao"]
    if plugin not in ext.host.modules:
        raise MigrationError(f"no installed plugin named {plugin!r}")
    module = ext.host.modules[plugin]
    vdir = _versions_dir(module)
    first = not vdir.is_dir() or not any(vdir.glob("*.py"))
    br = branches(app)
    engine = ext.db.engine
    with engine.connect() as conn:
        recorded = recorded_versions(conn)
    behind = [p for p in br.order if br.head(p) is not None and recorded.get(p) != br.head(p)]
    if behind:
        raise MigrationError(
            f"the database is not up to date ({', '.join(behind)}): run `qudao db upgrade` first")
    vdir.mkdir(parents=True, exist_ok=True)
    # Alembic's autogenerate wants the heads in a version table: give it a
    # scratch one, holding the heads just checked, for the time it runs.
    scratch = Table(AUTOGEN_VERSION_TABLE, MetaData(),
                    Column("version_num", String(64), primary_key=True))
    with engine.begin() as conn:
        scratch.drop(conn, checkfirst=True)
        scratch.create(conn)
        # the heads as Alembic's autogenerate counts them (a revision that
        # another one depends on is not one of them)
        heads = [r.revision for r in br.script.get_revisions("heads")]
        if heads:
            conn.execute(insert(scratch), [{"version_num": h} for h in heads])
    try:
        with engine.begin() as conn:
            cfg = alembic_config(app, conn)
            cfg.attributes["table_prefix"] = "core_" if plugin == "core" else plugin + "_"
            cfg.attributes["version_table"] = AUTOGEN_VERSION_TABLE
            kwargs = {"message": message, "autogenerate": True}
            if first:
                kwargs.update(head="base", branch_label=plugin, version_path=str(vdir))
                deps = [d for d in ext.host.manifests[plugin].depends] + (["core"] if plugin != "core" else [])
                deps = [d for d in deps if br.head(d) is not None]
                if deps:
                    kwargs["depends_on"] = [f"{d}@head" for d in deps]
            else:
                kwargs["head"] = f"{plugin}@head"
            command.revision(cfg, **kwargs)
    finally:
        with engine.begin() as conn:
            scratch.drop(conn, checkfirst=True)
