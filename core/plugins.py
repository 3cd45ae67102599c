"""The plugin host: discovery, dependency order, enabled state, hook calls.

Built-in plugins are listed explicitly; third-party ones come from the
entry-point group ``qudao.plugins``.  Every installed plugin is registered
with pluggy at start-up (its tables and routes exist); which ones are
*enabled* is stored in ``core_plugin_state``; each worker process keeps the
set in memory and reads it again as soon as the shared state stamp moves
(``core.state_cache``), so a change on the admin page reaches every worker
process on its next request without a restart.

**Per part of the org tree.**  ``core_plugin_scope`` lists, per plugin,
the org units whose subtrees use it; a plugin without rows is used by the
whole company.  A user's own plugin set (``for_user``) is what their menus,
home widgets, permissions and routes follow.

**Not ready.**  A plugin that offers nothing yet (no hook implemented, or
``Manifest.ready = False``) is never enabled: ``enable`` refuses it and
``enabled`` leaves it out even where an old database says it is on.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from types import ModuleType

import pluggy
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import hookspecs
from .db import utcnow
from .models import SCOPE_ALL, OrgUnit, PluginScope, PluginState
from .registry import Manifest

BUILTIN_PLUGINS: tuple[str, ...] = (
    "core.plugin",
    "plugins.customers.plugin",
    "plugins.finance.plugin",
    "plugins.dealers.plugin",
    "plugins.stores_demo.plugin",
    "plugins.banking_rm.plugin",
)
CORE = "core"


class PluginError(Exception):
    """A refused plugin operation; the message names the plugins involved."""

    def __init__(self, message: str, names: list[str] | None = None):
        super().__init__(message)
        self.names = names or []


def topo_order(manifests: dict[str, Manifest]) -> list[str]:
    """Dependencies first; refuses missing and cyclic dependencies by name."""
    for m in manifests.values():
        missing = [d for d in m.depends if d not in manifests]
        if missing:
            raise PluginError(
                f"plugin '{m.name}' depends on missing plugin(s): {', '.join(missing)}",
                missing,
            )
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = trail[trail.index(name):] + [name]
            raise PluginError(
                "cyclic plugin dependency: " + " -> ".join(cycle), cycle
            )
        state[name] = 1
        for dep in sorted(manifests[name].depends):
            visit(dep, trail + [name])
        state[name] = 2
        order.append(name)

    for name in sorted(manifests, key=lambda n: (n != CORE, n)):
        visit(name, [])
    return order


class Hooks:
    """Hook callers restricted to one enabled set: ``hooks.menu_items(menu=..., user=...)``."""

    def __init__(self, host: "PluginHost", enabled: frozenset[str]):
        self._host = host
        self.enabled = enabled
        self._callers: dict[str, object] = {}
        self._removed = [
            host.modules[n] for n in host.order if n not in enabled and n != CORE
        ]

    def __getattr__(self, name: str):
        try:
            return self._callers[name]
        except KeyError:
            pass
        if self._removed:
            caller = self._host.pm.subset_hook_caller(name, self._removed)
        else:
            caller = getattr(self._host.pm.hook, name)
        self._callers[name] = caller
        return caller

    def each(self, name: str, **kwargs) -> list[tuple[str, Exception]]:
        """Call a hook plugin by plugin so one failing implementation cannot
        stop the others; returns the (plugin, exception) pairs that failed."""
        failures = []
        for plugin in self._host.order:
            if plugin not in self.enabled and plugin != CORE:
                continue
            key = f"{name}@{plugin}"
            caller = self._callers.get(key)
            if caller is None:
                others = [self._host.modules[n] for n in self._host.order if n != plugin]
                caller = self._callers[key] = self._host.pm.subset_hook_caller(name, others)
            try:
                caller(**kwargs)
            except Exception as exc:  # noqa: BLE001 - reported to the caller
                failures.append((plugin, exc))
        return failures

    def flat(self, name: str, **kwargs) -> list:
        """Call a hook returning lists and concatenate the results."""
        out: list = []
        for res in getattr(self, name)(**kwargs):
            if res:
                out.extend(res)
        return out


class PluginHost:
    def __init__(self, only: list[str] | None = None, extra: list[ModuleType] | None = None):
        self.pm = pluggy.PluginManager("qudao")
        self.pm.add_hookspecs(hookspecs)
        self.manifests: dict[str, Manifest] = {}
        self.modules: dict[str, ModuleType] = {}
        modules = [importlib.import_module(p) for p in BUILTIN_PLUGINS]
        for ep in entry_points(group="qudao.plugins"):
            modules.append(ep.load())
        modules.extend(extra or [])
        for mod in modules:
            man: Manifest = getattr(mod, "MANIFEST", None)
            if not isinstance(man, Manifest):
                raise PluginError(f"plugin module {mod.__name__} has no MANIFEST")
            if only is not None and man.name != CORE and man.name not in only:
                continue
            if man.name in self.manifests:
                raise PluginError(f"plugin '{man.name}' is installed twice")
            self.manifests[man.name] = man
            self.modules[man.name] = mod
        self.order = topo_order(self.manifests)
        # Plugins publish their own hooks: a plugin module's ``HOOKSPECS``
        # (a module of @hookspec functions) is added before anyone registers,
        # so implementations in any plugin are validated against it.
        for name in self.order:
            specs = getattr(self.modules[name], "HOOKSPECS", None)
            if specs is not None:
                self.pm.add_hookspecs(specs)
        for name in self.order:
            self.pm.register(self.modules[name], name=name)
        # A misspelt hookimpl fails here, at start-up, not at first call.
        self.pm.check_pending()
        #: Installed plugins that offer no features yet: never enabled.
        self.not_ready = frozenset(n for n in self.order if n != CORE and not self._ready(n))
        self._hooks_cache: dict[frozenset[str], Hooks] = {}
        self._by_length = sorted(self.manifests, key=len, reverse=True)
        self._owner_cache: dict[str, str] = {}

    def _ready(self, name: str) -> bool:
        ready = self.manifests[name].ready
        if ready is not None:
            return bool(ready)
        return bool(self.pm.get_hookcallers(self.modules[name]))

    def ready(self, name: str) -> bool:
        """Does ``name`` offer any feature yet (see ``Manifest.ready``)?"""
        return name in self.manifests and name not in self.not_ready

    # -- dependency graph -------------------------------------------------
    def dependants(self, name: str) -> list[str]:
        """Plugins that depend on ``name`` directly or indirectly."""
        out = []
        for other in self.order:
            if other != name and name in self.all_deps(other):
                out.append(other)
        return out

    def all_deps(self, name: str) -> list[str]:
        seen: list[str] = []
        stack = list(self.manifests[name].depends)
        while stack:
            d = stack.pop()
            if d not in seen:
                seen.append(d)
                stack.extend(self.manifests[d].depends)
        return [n for n in self.order if n in seen]

    # -- enabled state -----------------------------------------------------
    def enabled(self, session: Session) -> frozenset[str]:
        rows = session.execute(
            select(PluginState.name).where(PluginState.enabled.is_(True))
        ).scalars()
        names = {n for n in rows if n in self.manifests and n not in self.not_ready}
        names.add(CORE)
        return frozenset(names)

    def hooks(self, enabled: frozenset[str]) -> Hooks:
        h = self._hooks_cache.get(enabled)
        if h is None:
            h = self._hooks_cache[enabled] = Hooks(self, enabled)
        return h

    def all_hooks(self) -> Hooks:
        return self.hooks(frozenset(self.manifests))

    def _set(self, session: Session, name: str, enabled: bool, user_id: int | None) -> None:
        row = session.get(PluginState, name)
        if row is None:
            row = PluginState(name=name)
            session.add(row)
        row.enabled = enabled
        row.changed_at = utcnow()
        row.changed_by = user_id

    def missing_deps(self, session: Session, name: str) -> list[str]:
        on = self.enabled(session)
        return [d for d in self.all_deps(name) if d not in on]

    def enable(self, session: Session, name: str, *, with_deps: bool = False,
               user_id: int | None = None) -> list[str]:
        """Enable ``name``; returns every plugin switched on.  Refuses when its
        dependencies are off unless ``with_deps``."""
        self._check_known(name)
        missing = self.missing_deps(session, name)
        unbuilt = [n for n in missing + [name] if n in self.not_ready]
        if unbuilt:
            raise PluginError(
                f"plugin(s) {', '.join(unbuilt)} offer no features yet and cannot be enabled",
                unbuilt,
            )
        if missing and not with_deps:
            raise PluginError(
                f"plugin '{name}' needs disabled plugin(s): {', '.join(missing)}",
                missing,
            )
        turned_on = missing + [name]
        for n in turned_on:
            self._set(session, n, True, user_id)
        return turned_on

    def disable(self, session: Session, name: str, *, user_id: int | None = None) -> None:
        """Disable ``name``; data stays.  Refuses while an enabled plugin depends on it."""
        self._check_known(name)
        if name == CORE:
            raise PluginError("core cannot be disabled", [CORE])
        on = self.enabled(session)
        blockers = [d for d in self.dependants(name) if d in on]
        if blockers:
            raise PluginError(
                f"cannot disable '{name}': enabled plugin(s) depend on it: "
                + ", ".join(blockers),
                blockers,
            )
        self._set(session, name, False, user_id)

    # -- per part of the org tree ---------------------------------------------
    def scopes(self, session: Session) -> dict[str, frozenset[str]]:
        """Plugin → the paths (``OrgUnit.path``) of the org units whose
        subtrees use it; a plugin missing here is used everywhere."""
        out: dict[str, set[str]] = {}
        for plugin, path in session.execute(
                select(PluginScope.plugin, OrgUnit.path)
                .join(OrgUnit, OrgUnit.id == PluginScope.org_unit_id)):
            out.setdefault(plugin, set()).add(path)
        return {k: frozenset(v) for k, v in out.items()}

    def scope_units(self, session: Session, name: str) -> list[OrgUnit]:
        """The org units whose subtrees use ``name`` (empty: everywhere)."""
        return list(session.execute(
            select(OrgUnit).join(PluginScope, PluginScope.org_unit_id == OrgUnit.id)
            .where(PluginScope.plugin == name).order_by(OrgUnit.path)).scalars())

    def set_scope(self, session: Session, name: str, unit_ids, *,
                  user_id: int | None = None) -> bool:
        """Let the subtrees of the org units ``unit_ids`` use ``name`` (an
        empty list: the whole company).  Changes of every plugin's scope are
        serialised on the company root's row.  Returns whether anything
        changed; the caller commits."""
        self._check_known(name)
        if name == CORE:
            raise PluginError("core is used by the whole company", [CORE])
        wanted = set(unit_ids)
        if wanted:
            found = set(session.execute(
                select(OrgUnit.id).where(OrgUnit.id.in_(wanted))).scalars())
            if found != wanted:
                raise PluginError(f"no such org unit(s): {sorted(wanted - found)}", [name])
        session.execute(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None))
                        .order_by(OrgUnit.id).limit(1).with_for_update()).first()
        rows = list(session.execute(
            select(PluginScope).where(PluginScope.plugin == name).with_for_update()).scalars())
        have = {r.org_unit_id for r in rows}
        if have == wanted:
            return False
        for r in rows:
            if r.org_unit_id not in wanted:
                session.delete(r)
        now = utcnow()
        for uid in sorted(wanted - have):
            session.add(PluginScope(plugin=name, org_unit_id=uid, changed_at=now,
                                    changed_by=user_id))
        session.flush()
        return True

    def for_user(self, enabled: frozenset[str], scopes: dict[str, frozenset[str]],
                 user) -> frozenset[str]:
        """The plugins of ``enabled`` that ``user`` uses.

        An admin, and a user whose role sees the whole company (auditor),
        uses every enabled plugin.  Anyone else uses a plugin that has no
        scope, or whose scope overlaps their org unit's subtree: their unit
        lies in one of its subtrees (a store's staff, a store plugin), or
        one of its subtrees lies below their unit (the branch company over
        that store).  With a plugin come the plugins it depends on."""
        if user is None:
            return enabled
        if getattr(user, "is_admin", False) or getattr(user, "scope", None) == SCOPE_ALL:
            return enabled
        unit = getattr(user, "org_unit", None)
        path = getattr(unit, "path", None) if unit is not None else None
        out: set[str] = set()
        for n in enabled:
            paths = scopes.get(n)
            if not paths or (path and any(path.startswith(p) or p.startswith(path)
                                          for p in paths)):
                out.add(n)
        for n in list(out):
            if n in self.manifests:
                out.update(d for d in self.all_deps(n) if d in enabled)
        out.add(CORE)
        return frozenset(out)

    def _check_known(self, name: str) -> None:
        if name not in self.manifests:
            raise PluginError(f"no installed plugin named '{name}'", [name])

    def plugin_of(self, dotted: str) -> str:
        """The plugin that owns a permission code, endpoint or table name."""
        try:
            return self._owner_cache[dotted]
        except KeyError:
            pass
        owner = dotted.split(".", 1)[0]
        for n in self._by_length:
            if dotted == n or dotted.startswith((n + ".", n + "_")):
                owner = n
                break
        if len(self._owner_cache) < 10_000:  # names come from code, but be safe
            self._owner_cache[dotted] = owner
        return owner
