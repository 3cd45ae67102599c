"""What the platform accepts from a request, checked in one place for every
view — core's and every plugin's, WTForms or plain ``request.form``
(issue 20: 28 kinds of junk input answered 500).

* Zero-width and direction-override characters are removed from every
  query and form value: invisible, they make look-alike names and reorder
  what a reader sees.
* Control characters (NUL and the other C0 codes but tab and line breaks)
  are refused with a 400 and a translated message: PostgreSQL will not
  store NUL in text, and none of them belongs in a form.
* An integer read with ``.get(name, type=int)`` that no database column
  could hold counts as no value, as any other nonsense does.
* ``<int:…>`` in a route matches only ids a database column can hold, so
  ``/customers/99999999999999999999`` is a 404, not an overflow.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, ValidationError

from .access import MAX_ID

#: U+200B..U+200F (zero-width, LRM/RLM), U+202A..U+202E (embeddings and
#: overrides), U+2066..U+2069 (isolates), U+FEFF (zero-width no-break space).
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: C0 controls but tab, LF and CR; and DEL.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def bounded_int(value: Any) -> int:
    """``int(value)``, refusing (ValueError) what no database integer holds."""
    n = int(value)
    if not -MAX_ID <= n <= MAX_ID:
        raise ValueError("out of range")
    return n


class CleanParams(ImmutableMultiDict):
    """The request's query and form values, invisible characters removed;
    ``get(…, type=int)`` refuses integers out of a database's range."""

    def __init__(self, mapping=None):
        if mapping is not None:
            if isinstance(mapping, MultiDict):
                items = mapping.items(multi=True)
            elif isinstance(mapping, dict):
                items = mapping.items()
            else:
                items = mapping
            mapping = [(k, INVISIBLE.sub("", v) if isinstance(v, str) else v) for k, v in items]
        super().__init__(mapping)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        return super().get(key, default, bounded_int if type is int else type)


class QudaoRequest(Request):
    parameter_storage_class = CleanParams


def control_characters(request: Request) -> bool:
    """Does any query or form value carry a control character?"""
    for params in (request.args, request.form) if request.method != "GET" else (request.args,):
        for value in params.values():
            if isinstance(value, str) and CONTROL.search(value):
                return True
    return False


class IdConverter(IntegerConverter):
    """``<int:…>`` for ids: at most ``MAX_ID`` (else the route does not match: 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> Any:
        if len(value) > 19:
            raise ValidationError()
        return super().to_python(value)
