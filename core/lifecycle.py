"""A plugin's footprint in the database, and taking a plugin out of it.

``impact`` tells an admin what switching a plugin on or off affects (its
tables with their row counts, menus, permissions, settings, the plugins it
needs and the plugins that need it); ``uninstall_plan`` / ``uninstall``
remove a plugin from the database: its tables, its recorded migration
version, its enabled flag, its settings and the roles' grants of its
permissions.  The audit trail, issued documents and number sequences stay
(they are the record of what happened, and a reinstalled plugin must not
issue a number twice).

No Flask here: the CLI and the admin page both call these.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import MetaData, delete, func, inspect, select, table
from sqlalchemy.orm import Session

from . import audit
from .models import PluginState, RolePermission, Setting
from .plugins import CORE, PluginError


@dataclass
class TableRows:
    name: str
    rows: int


@dataclass
class Impact:
    name: str
    installed: bool
    enabled: bool
    tables: list[TableRows] = field(default_factory=list)
    menus: list[tuple[str, str]] = field(default_factory=list)  # (menu, label)
    permissions: list[tuple[str, str]] = field(default_factory=list)  # (code, label)
    settings: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    missing_dependencies: list[str] = field(default_factory=list)  # installed but disabled
    dependants: list[str] = field(default_factory=list)
    enabled_dependants: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


def known_names(session: Session) -> set[str]:
    """Installed plugins and those the database records (version, state)."""
    from .migrate import recorded_versions

    ext = session.ext
    names = set(ext.host.manifests)
    names |= set(session.execute(select(PluginState.name)).scalars())
    names |= set(recorded_versions(session.connection()))
    return names


def owner_of_table(name: str, known: set[str]) -> str | None:
    """The plugin whose prefix ``<plugin>_`` the table has (the longest wins,
    so ``customers_extra_x`` belongs to ``customers_extra``)."""
    best = None
    for n in known:
        prefix = "core_" if n == CORE else n + "_"
        if name.startswith(prefix) and (best is None or len(n) > len(best)):
            best = n
    return best


def plugin_tables(session: Session, name: str) -> list[str]:
    """The tables in the database that belong to ``name``."""
    known = known_names(session) | {name}
    return sorted(t for t in inspect(session.connection()).get_table_names()
                  if owner_of_table(t, known) == name)


def table_rows(session: Session, names: list[str]) -> list[TableRows]:
    return [TableRows(n, session.scalar(select(func.count()).select_from(table(n))) or 0)
            for n in names]


def impact(session: Session, name: str, user=None) -> Impact:
    """What ``name`` brings and what depends on it."""
    ext = session.ext
    host = ext.host
    on = host.enabled(session)
    installed = name in host.manifests
    out = Impact(name=name, installed=installed, enabled=name in on)
    out.tables = table_rows(session, plugin_tables(session, name))
    if not installed:
        return out
    out.dependencies = host.all_deps(name)
    out.missing_dependencies = [d for d in out.dependencies if d not in on]
    out.dependants = host.dependants(name)
    out.enabled_dependants = [d for d in out.dependants if d in on]
    out.permissions = [(code, str(p.label)) for code, p in sorted(ext.permissions.items())
                       if host.plugin_of(code) == name]
    out.settings = sorted(k for k in ext.settings if host.plugin_of(k) == name)
    others = [host.modules[n] for n in host.order if n != name]
    caller = host.pm.subset_hook_caller("menu_items", others)
    seen = set()
    for menu in ["main", "admin"] + list(host.order):
        for items in caller(menu=menu, user=user):
            for item in items or ():
                key = (menu, item.endpoint)
                if key not in seen:
                    seen.add(key)
                    out.menus.append((menu, str(item.label)))
    return out


# -- uninstall ------------------------------------------------------------------
@dataclass
class UninstallPlan:
    name: str
    installed: bool
    has_migrations: bool
    tables: list[TableRows]
    settings: int
    grants: int
    enabled: bool


def uninstall_plan(session: Session, name: str) -> UninstallPlan:
    """What ``uninstall`` would remove; refuses core, an unknown name, and a
    plugin that another installed plugin depends on."""
    from .migrate import recorded_versions

    ext = session.ext
    host = ext.host
    if name == CORE:
        raise PluginError("core cannot be uninstalled", [CORE])
    installed = name in host.manifests
    recorded = recorded_versions(session.connection())
    tables = plugin_tables(session, name)
    state = session.get(PluginState, name)
    if not installed and name not in recorded and state is None and not tables:
        raise PluginError(f"no plugin named '{name}' is installed or recorded in the database",
                          [name])
    if installed:
        dependants = host.dependants(name)
    else:
        dependants = [n for n in host.order if name in host.manifests[n].depends]
    if dependants:
        raise PluginError(
            f"cannot uninstall '{name}': installed plugin(s) depend on it: "
            + ", ".join(dependants), dependants)
    prefix = name + "."
    settings = session.scalar(select(func.count()).select_from(Setting).where(
        Setting.key.startswith(prefix, autoescape=True))) or 0
    grants = session.scalar(select(func.count()).select_from(RolePermission).where(
        RolePermission.code.startswith(prefix, autoescape=True))) or 0
    return UninstallPlan(name=name, installed=installed, has_migrations=name in recorded,
                         tables=table_rows(session, tables), settings=settings, grants=grants,
                         enabled=bool(state and state.enabled))


def forget(session: Session, name: str, reason: str | None = None) -> list[str]:
    """Drop what is left of ``name`` in the database after its own migrations
    were undone: its remaining tables, recorded version, enabled flag,
    settings and permission grants.  Returns the tables dropped.  The caller
    commits."""
    from .migrate import forget as forget_version

    uninstall_plan(session, name)  # the same refusals
    audit.set_reason(session, reason or f"uninstall plugin {name}")
    conn = session.connection()
    tables = plugin_tables(session, name)
    if tables:
        md = MetaData()
        md.reflect(conn, only=tables, resolve_fks=False)
        md.drop_all(conn, tables=[md.tables[t] for t in tables])
    forget_version(conn, name)
    prefix = name + "."
    for s in session.execute(select(Setting).where(
            Setting.key.startswith(prefix, autoescape=True))).scalars():
        session.delete(s)
    session.execute(delete(RolePermission).where(
        RolePermission.code.startswith(prefix, autoescape=True)))
    state = session.get(PluginState, name)
    if state is not None:
        session.delete(state)
    session.flush()
    session.info.pop("enabled", None)
    return tables
