"""Typed settings declared by plugins (``register_settings``) and edited on the web."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import state_cache
from .models import Setting
from .registry import SettingSpec


class SettingError(ValueError):
    pass


def parse(spec: SettingSpec, raw: Any) -> Any:
    """Turn a submitted value into the spec's type, or raise SettingError."""
    try:
        if spec.type == "bool":
            value: Any = raw in (True, "1", "true", "on", "y", "yes")
        elif spec.type == "int":
            value = int(str(raw).strip())
        elif spec.type == "decimal":
            value = Decimal(str(raw).strip())
            if not value.is_finite():
                raise InvalidOperation
        elif spec.type == "choice":
            value = str(raw)
            if value not in [c[0] if isinstance(c, tuple) else c for c in spec.choices]:
                raise SettingError(f"{spec.key}: {value!r} is not one of the choices")
        else:
            value = str(raw)
    except (ValueError, InvalidOperation, TypeError):
        raise SettingError(f"{spec.key}: {raw!r} is not a valid {spec.type}") from None
    if spec.minimum is not None and value < spec.minimum:
        raise SettingError(f"{spec.key}: must be at least {spec.minimum}")
    if spec.maximum is not None and value > spec.maximum:
        raise SettingError(f"{spec.key}: must be at most {spec.maximum}")
    return value


def _to_json(spec: SettingSpec, value: Any) -> Any:
    return str(value) if spec.type == "decimal" else value


def _from_json(spec: SettingSpec, value: Any) -> Any:
    return Decimal(value) if spec.type == "decimal" else value


def get(session: Session, key: str) -> Any:
    """The stored value of a declared setting, or its default."""
    cache = session.info.setdefault("_settings", {})
    if key not in cache:
        prefetch(session, [key])
    return cache[key]


def prefetch(session: Session, keys) -> None:
    """Read several settings into the session's cache (the one ``get``
    answers from) in one query at most: a page that needs a few of them
    asks once."""
    cache = session.info.setdefault("_settings", {})
    missing = [k for k in keys if k not in cache]
    if missing:
        cache.update(all_values(session, missing))


def set(session: Session, key: str, raw: Any, user_id: int | None = None) -> Any:
    spec: SettingSpec = session.ext.settings[key]
    value = parse(spec, raw)
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        session.add(row)
    row.value = _to_json(spec, value)
    row.updated_by = user_id
    session.info.setdefault("_settings", {})[key] = value
    return value


def all_values(session: Session, keys: list[str]) -> dict[str, Any]:
    """Several settings in one query at most.  During a request they come
    from the process's cache while settings, users, roles, org units and
    plugins are unchanged (``core.state_cache``: changing a setting moves
    the version every process checks before its request's first query)."""
    specs = session.ext.settings
    shared = state_cache.shared(session)
    out: dict[str, Any] = {}
    missing = keys
    if shared is not None:
        state = shared.state
        missing = []
        for k in keys:
            v = state.peek(("setting", k))
            if v is state_cache.MISSING:
                missing.append(k)
            else:
                out[k] = v
    if missing:
        with session.no_autoflush:  # as session.get did: a half-built row stays unflushed
            stored = {r.key: r.value for r in session.execute(
                select(Setting).where(Setting.key.in_(missing))).scalars()}
        for k in missing:
            out[k] = _from_json(specs[k], stored[k]) if k in stored else specs[k].default
            if shared is not None:
                shared.state.put(shared.version, ("setting", k), out[k])
    return out


def load_zone(session: Session) -> str:
    """The company's time zone (``core.timezone``), kept as the process's
    (``core.clock``) for code without a request: app start, jobs, the CLI."""
    from . import clock

    return clock.keep(get(session, clock.ZONE_KEY))
