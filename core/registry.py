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
    #: The description in Chinese (the UI's default language); the English
    #: ``description`` is shown to users reading English.
    description_zh: str = ""
    #: Does the plugin offer anything yet?  ``None`` (the default): it does
    #: when it implements at least one hook.  A plugin that is not ready is
    #: never enabled, listed as available or shown as enabled (its features
    #: are still to be built); ``False`` says so explicitly.
    ready: bool | None = None

    def label(self, locale: str | None) -> str:
        return self.label_en if (locale or "").startswith("en") else self.label_zh

    def describe(self, locale: str | None) -> str:
        """The one-line description in ``locale`` (English when no Chinese one)."""
        if (locale or "").startswith("en"):
            return self.description
        return self.description_zh or self.description


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
    #: How the document's long table is paged; see ``Paging``.
    paging: "Paging | None" = None


@dataclass(frozen=True)
class Paging:
    """Planned pages for a document's long table (``core/documents/paging.py``).

    ``rows`` is the key of the list of table rows in the template context;
    ``first_page`` and ``per_page`` are how many single-line rows fit on the
    first page and on each further page; ``wrap`` maps the row keys whose
    text may wrap to the number of Chinese characters a line of that
    column holds (Latin letters and digits count about half).  A row of
    ``n`` lines counts ``1 + (n - 1) * extra_line`` rows.  With a ``grid``
    (``core.documents.grid.Grid``) the table is printed as fixed-pitch lines
    of text, and a row's lines are counted exactly from the grid's columns
    instead of ``wrap``; the template gets it as ``grid``.  The template
    gets ``chunk`` and marks rows with ``chunk.starts_page(loop.index0)``.
    Such documents can be laid out in parts at the same time (faster) and
    in bounded memory however long they are."""

    rows: str
    first_page: float
    per_page: float
    wrap: dict = field(default_factory=dict)
    extra_line: float = 0.7
    grid: Any = None


JobHandler = Callable[..., Any]


@dataclass(frozen=True)
class AuditLabels:
    """How the change history names one audited table's records, fields and
    stored codes (``register_audit_labels``).

    ``title``: what a record of the table is ("Customer"); ``fields``:
    ``{column: label}``; ``values``: ``{column: {code: label}}`` (or a
    callable ``code -> label``) for columns that store codes (a state, a
    list of objectives).  Columns holding another record's id are shown as
    that record's name without any declaration."""
    table: str
    title: Any
    fields: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PickerSpec:
    """A kind of record chosen with the search-as-you-type picker
    (``core.web.pickers``): a scoped JSON search at ``/pick/<kind>`` and a
    text field that also takes the record's ``key`` typed by hand."""

    kind: str  # "<plugin>.<noun>", e.g. "customers.customer"
    model: Any  # the mapped class
    select: Callable  # (session, user, action) -> the user's scoped Select of ``model``
    key: Any  # a unique column typed without JavaScript, e.g. Customer.code
    label: Callable  # row -> "C2026-00042 杭州华联电器"
    noun: Any  # lazy "customer", for the refusal message
    columns: tuple = ()  # searched with ILIKE when ``search`` is None
    search: Callable | None = None  # (session, stmt, q, dialect) -> stmt narrowed to matches of q
    order_by: tuple = ()  # default: ``key``
    permission: str | None = None  # needed to search (besides the row scope)
    load: tuple = ()  # the columns ``label`` reads (the search loads only these); () = all
