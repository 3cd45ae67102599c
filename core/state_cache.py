"""Per-process cache of who is signed in, which plugins are enabled, the
settings, and the statements built from them.

Every page needs the signed-in user (identity, roles, permission codes) and
the enabled plugin set.  Reading them from the database costs four queries
per request, so each worker process keeps them in memory, keyed by
``(user id, session token)``, and checks on every request that nothing
changed.  The same version covers the settings (``core.settings`` reads
them from here during a request) and the statements a page builds from the
user's access scope and the settings (``core.access.kept_statement``):
both depend on nothing else.

**Validation.**  A *stamp* file in the data directory
(``<DATA_DIR>/state-version``) holds a random token.  Every transaction that
changes users, session tokens, passwords, the active flag, roles, role
permissions, user-role links, org units, plugin state, plugin scopes or settings
replaces the token *after its commit* (a flush listener notices the
change, see :func:`install`).  A request reads the token first, before its
first query; when it differs from the one the cache was filled under, the
process drops everything it cached and reads again.  So a change reaches
every process and every host sharing the data directory on their very next
request:

- the writer commits, then replaces the token; a request that starts after
  that reads the new token and then the database, which already holds the
  change;
- a request that read the old token may have read the old rows: it stores
  them under the old token, and the next request drops them.

The token is read (one ``open``/``read``/``close``, a few microseconds), not
compared by modification time: timestamps are coarse (two changes within
one clock tick would look alike) and, on NFS, opening a file is what
revalidates it (close-to-open consistency), where ``stat`` may answer from
the attribute cache.  The token is written aside and renamed into place, so
a reader never sees half a token.

Changes made outside the platform's sessions (SQL typed into ``psql``, a
data migration) are not seen by the listener: write a new token into the
stamp file (``date +%s%N > "$QUDAO_DATA_DIR/state-version"``), or call
:func:`mark_changed` on a session that writes with raw SQL.  As a safety net
every process also forgets its cache after ``STATE_CACHE_SECONDS`` (60 s by
default).

What is cached is plain data (``core.web.user.CachedUser``), never an ORM object:
views that need the row itself load it in their own session
(``db_session().get(User, current_user.id)`` or ``current_user.orm()``).
"""
from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass
from contextvars import ContextVar, Token
from typing import Any, Callable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session


STAMP_NAME = "state-version"

#: Tables whose rows the cache depends on.
WATCHED_TABLES = frozenset({
    "core_user", "core_role", "core_role_permission", "core_user_role",
    "core_org_unit", "core_plugin_state", "core_plugin_scope", "core_setting",
})
#: User columns that change without changing what is cached (every login
#: writes ``last_login_at``; it must not empty every process's cache).
_USER_IGNORED = frozenset({"last_login_at", "updated_at", "version"})

_CHANGED = "_qudao_state_changed"
#: Set on a session whose commit moved the version: what it reads after
#: that must not come from (or go into) the cache of the version before.
BUMPED = "_qudao_state_bumped"
#: ``StateCache.peek`` for a key that holds nothing.
MISSING = object()
#: Settings and statements kept per process (all dropped when full).
MAX_KEPT = 2_000


# -- the stamp file ------------------------------------------------------
class Stamp:
    """The shared version token: a small file replaced on every change."""

    def __init__(self, data_dir: str):
        self.dir = str(data_dir)
        self.path = os.path.join(self.dir, STAMP_NAME)

    def read(self) -> bytes:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return b""
        try:
            return os.read(fd, 64)
        finally:
            os.close(fd)

    def bump(self) -> None:
        token = secrets.token_hex(16).encode()
        os.makedirs(self.dir, exist_ok=True)
        # A name no other process, thread or host sharing the directory uses.
        tmp = f"{self.path}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, token)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)


class StateCache:
    """One per app (``ext.state``): users, the enabled set and menus."""

    def __init__(self, data_dir: str, max_age: float = 60.0, max_users: int = 10_000):
        self.stamp = Stamp(data_dir)
        self.max_age = max_age
        self.max_users = max_users
        self._lock = threading.Lock()
        self._version: bytes | None = None
        self._since = 0.0
        self._users: dict[tuple[int, str], Any] = {}
        self._enabled: frozenset[str] | None = None
        self._scopes: dict[str, frozenset[str]] | None = None
        #: Derived from code and the key alone; survive version changes.
        self.menus: dict[tuple, Any] = {}
        self.csrf: dict[tuple, str] = {}
        #: Rendered page headers (core.web.frame.page_header), keyed by everything
        #: they show.
        self.frames: dict[tuple, Any] = {}
        #: Whole rendered pages (core.web.frame.render_kept), keyed the same way.
        self.pages: dict[tuple, Any] = {}
        #: Verified session cookies: value → (expires at, data).
        self.cookies: dict[str, tuple[float, dict]] = {}
        #: Settings and statements: values read or built under the current
        #: version (``kept``), dropped with the users when it moves.
        self._kept: dict[tuple, Any] = {}

    # Called once per request, before its first query.
    def check(self) -> bytes:
        """Read the stamp; forget everything when it moved.  Returns the
        version the caller's reads belong to (pass it to ``put_*``)."""
        v = self.stamp.read()
        now = time.monotonic()
        if v != self._version or now - self._since > self.max_age:
            with self._lock:
                self._version = v
                self._since = now
                self._users = {}
                self._enabled = None
                self._scopes = None
                self._kept = {}
        return v

    def user(self, key: tuple[int, str]) -> Any:
        return self._users.get(key)

    def put_user(self, version: bytes, key: tuple[int, str], user: Any) -> None:
        with self._lock:
            if version == self._version:
                if len(self._users) >= self.max_users:
                    self._users = {}
                self._users[key] = user

    def enabled(self) -> frozenset[str] | None:
        return self._enabled

    def put_enabled(self, version: bytes, enabled: frozenset[str]) -> None:
        with self._lock:
            if version == self._version:
                self._enabled = enabled

    def scopes(self) -> dict[str, frozenset[str]] | None:
        """Plugin → the org-unit paths using it (``PluginHost.scopes``)."""
        return self._scopes

    def put_scopes(self, version: bytes, scopes: dict[str, frozenset[str]]) -> None:
        with self._lock:
            if version == self._version:
                self._scopes = scopes

    def kept(self, version: bytes, key: tuple, make: Callable[[], Any]) -> Any:
        """The value kept under ``key`` for the current version, else
        ``make()``, kept when ``version`` (the one the caller read, before
        its first query) is still current.  For values that depend on the
        shared state only: settings, statements built from a user's scope."""
        try:
            return self._kept[key]
        except KeyError:
            pass
        value = make()
        self.put(version, key, value)
        return value

    def peek(self, key: tuple) -> Any:
        """What ``kept`` holds under ``key``, or ``MISSING``."""
        return self._kept.get(key, MISSING)

    def put(self, version: bytes, key: tuple, value: Any) -> None:
        with self._lock:
            if version == self._version:
                # A statement can be large (the home page's to-dos: ~60 KB),
                # so at most MAX_KEPT: a home page keeps 5 per user.
                if len(self._kept) >= MAX_KEPT:
                    self._kept = {}
                self._kept[key] = value

    def memo(self, key: tuple, make: Callable[[], Any], store: dict | None = None) -> Any:
        """Menus and the like: values that depend on their key only."""
        store = self.menus if store is None else store
        try:
            return store[key]
        except KeyError:
            pass
        value = make()
        if len(store) >= 1000:
            store.clear()
        store[key] = value
        return value

    def bump(self) -> None:
        self.stamp.bump()


# -- what a request may share -------------------------------------------
@dataclass(frozen=True)
class Share:
    """A request's session may read what this process keeps: ``state`` (the
    app's ``StateCache``) under ``version`` (read before the session's first
    query), and ``signed_in()`` is the request's signed-in user."""

    session: Session
    state: "StateCache"
    version: bytes
    signed_in: Callable[[], Any]


_share: ContextVar[Share | None] = ContextVar("qudao_state_share", default=None)


def share(session: Session, state: "StateCache", version: bytes,
          signed_in: Callable[[], Any]) -> Token:
    """Declare ``session`` the running request's own (the web layer calls
    this when it opens the request's session, and ``unshare`` at its end)."""
    return _share.set(Share(session, state, version, signed_in))


def unshare(token: Token) -> None:
    try:
        _share.reset(token)
    except ValueError:  # reset in another context: forget it there
        _share.set(None)


def shared(session: Session) -> Share | None:
    """The ``Share`` when ``session`` is the running request's own and may
    read what the process keeps under the request's version: not outside a
    request (jobs, the command line), not after the request switched
    plugins, changed users, roles, org units or settings, or holds changes
    of its own.  None: read the database."""
    sh = _share.get()
    if sh is None or sh.session is not session or "enabled" not in session.info:
        return None
    if not untouched(session):
        return None
    return sh


# -- noticing changes ----------------------------------------------------
def mark_changed(session: Session) -> None:
    """Tell the cache that this transaction changes users, roles, permissions,
    org units or plugin state in a way the listener cannot see (raw SQL on
    the session's connection): the stamp is bumped after the commit."""
    session.info[_CHANGED] = True


def untouched(session: Session) -> bool:
    """True when ``session`` neither holds nor has flushed changes of its
    own to what the version covers, and its commits did not move the
    version: what it reads of that state is what others committed."""
    info = session.info
    if info.get(_CHANGED) or info.get(BUMPED):
        return False
    return not (session.new or session.dirty or session.deleted)


def bump(ext) -> None:
    """Invalidate every process's cache now (after a change made outside the
    platform's sessions)."""
    ext.state.bump()


def _table(obj) -> str | None:
    return getattr(obj, "__tablename__", None)


def _user_changed(obj) -> bool:
    state = inspect(obj)
    for attr in state.mapper.attrs:
        if attr.key in _USER_IGNORED:
            continue
        if state.attrs[attr.key].history.has_changes():
            return True
    return False


def _after_flush(session: Session, _ctx) -> None:
    if session.info.get(_CHANGED):
        return
    for obj in session.new:
        if _table(obj) in WATCHED_TABLES:
            session.info[_CHANGED] = True
            return
    for obj in session.deleted:
        if _table(obj) in WATCHED_TABLES:
            session.info[_CHANGED] = True
            return
    for obj in session.dirty:
        t = _table(obj)
        if t not in WATCHED_TABLES:
            continue
        if t != "core_user" or _user_changed(obj):
            session.info[_CHANGED] = True
            return


def _on_execute(state) -> None:
    """Bulk UPDATE / DELETE / INSERT statements through ``session.execute``."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None) or getattr(getattr(table, "__table__", None), "name", None)
    if name in WATCHED_TABLES:
        state.session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    if not session.info.get(_CHANGED):
        return
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT released; the change is not committed yet
    session.info.pop(_CHANGED, None)
    session.info[BUMPED] = True
    ext = getattr(session, "ext", None)
    if ext is not None and getattr(ext, "state", None) is not None:
        ext.state.bump()


def install(session_factory) -> None:
    """Attach the change listeners to a sessionmaker."""
    event.listen(session_factory, "after_flush", _after_flush)
    event.listen(session_factory, "do_orm_execute", _on_execute)
    event.listen(session_factory, "after_commit", _after_commit)
