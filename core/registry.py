"""Plain value types that plugins return from hooks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Permission:
    code: str  # "<plugin>.<verb>"
    label: Any  # a lazy_gettext string
    default_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleSpec:
    name: str
    label: Any
    scope: str = "own"  # own / org / all
    read_only: bool = False


@dataclass(frozen=True)
class MenuItem:
    label: Any
    endpoint: str
    sequence: int = 100
    permission: str | None = None
    url_kwargs: dict = field(default_factory=dict)
    icon: str = ""


@dataclass(frozen=True)
class Widget:
    title: Any
    template: str  # rendered with ``context``
    context: dict = field(default_factory=dict)
    sequence: int = 100


@dataclass(frozen=True)
class SequenceSpec:
    key: str
    pattern: str  # e.g. "INV/{year}/{n:05}"
    label: Any = ""


@dataclass(frozen=True)
class SettingSpec:
    key: str  # "<plugin>.<name>"
    type: str  # str / int / decimal / bool / choice / text
    default: Any
    label: Any
    help: Any = ""
    choices: tuple = ()
    minimum: Any = None
    maximum: Any = None


@dataclass
class Event:
    name: str  # "<plugin>.<past_tense>", e.g. "customers.approved"
    payload: dict = field(default_factory=dict)
    #: The app's ``Qudao`` object, set at dispatch: ``event.ext.db.session()``.
    ext: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Manifest:
    name: str
    label_zh: str
    label_en: str
    version: str
    depends: tuple[str, ...] = ()
    description: str = ""

    def label(self, locale: str | None) -> str:
        return self.label_en if (locale or "").startswith("en") else self.label_zh


@dataclass(frozen=True)
class DocumentSpec:
    """A PDF a plugin offers; core renders, numbers, archives and serves it.

    ``build_context(session, record_id, user)`` returns plain data (dicts,
    lists, str, int, Decimal, date — never ORM objects) for ``template``
    (``"<plugin>/pdf/<name>.html"``), or ``None`` when the record does not
    exist for that user.  With ``model`` set, core first fetches the record
    through ``core.access.scoped_get`` and answers "not found" for rows the
    user may not see.  ``sequence`` names a ``SequenceSpec`` key when the
    document is numbered.
    """

    name: str  # "<plugin>.<name>"
    label: Any  # a lazy_gettext string
    template: str
    build_context: Callable[..., Any]
    permission: str
    sequence: str | None = None
    model: Any = None


JobHandler = Callable[..., Any]
