"""The plugin host: discovery, dependency order, enabled state, hook calls.

Built-in plugins are listed explicitly; third-party ones come from the
entry-point group ``qudao.plugins``.  Every installed plugin is registered
with pluggy at start-up (its tables and routes exist); which ones are
*enabled* is stored in ``core_plugin_state``; each worker process keeps the
set in memory and reads it again as soon as the shared state stamp moves
(``core.state_cache``), so a change on the admin page reaches every worker
process on its next request without a restart.
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
from .models import PluginState
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
        self._hooks_cache: dict[frozenset[str], Hooks] = {}
        self._by_length = sorted(self.manifests, key=len, reverse=True)
        self._owner_cache: dict[str, str] = {}

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
        names = {n for n in rows if n in self.manifests}
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
