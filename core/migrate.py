"""Schema management through Alembic, one branch per plugin plus core.

``qudao db upgrade`` brings a database to the heads of all installed
plugins.  Developers add a revision to their plugin's branch with
``qudao db revision --plugin NAME -m "what changed"``.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.autogenerate import compare_metadata
from flask import Flask

from .db import Base


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


def upgrade(app: Flask) -> None:
    engine = app.extensions["qudao"].db.engine
    with engine.begin() as conn:
        command.upgrade(alembic_config(app, conn), "heads")


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
    models, alembic_version) are not ours to compare."""
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
    module = ext.host.modules[plugin]
    vdir = _versions_dir(module)
    first = not vdir.is_dir() or not any(vdir.glob("*.py"))
    vdir.mkdir(parents=True, exist_ok=True)
    engine = ext.db.engine
    with engine.begin() as conn:
        cfg = alembic_config(app, conn)
        cfg.attributes["table_prefix"] = "core_" if plugin == "core" else plugin + "_"
        kwargs = {"message": message, "autogenerate": True}
        if first:
            kwargs.update(head="base", branch_label=plugin, version_path=str(vdir))
            deps = [d for d in ext.host.manifests[plugin].depends] + (["core"] if plugin != "core" else [])
            if deps:
                kwargs["depends_on"] = [f"{d}@head" for d in deps]
        else:
            kwargs["head"] = f"{plugin}@head"
        command.revision(cfg, **kwargs)
