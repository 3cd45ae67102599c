"""Where the pages of a long table break, decided before layout.

A document whose spec has ``paging`` (``core.registry.Paging``) lists its
table rows on pages of a planned size: the rows that fit on the first page
(below the title and the fields), then ``per_page`` rows on every further
page, fewer when rows wrap onto two or more lines.  Each page after the first
starts with a row that has ``break-before: page``, so WeasyPrint breaks
exactly there — like the printed forms with a fixed number of lines per page
that accountants are used to.

Knowing the page breaks in advance is what lets a long document be cut into
parts that are laid out at the same time and then joined: a part always
starts at the top of a page, so the joined document is the same as the one
laid out in one go.  If a page's rows turn out taller than planned, WeasyPrint
still moves the overflow to a new page; the document stays complete, the
pages are only less even.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..registry import Paging

#: A document shorter than this is laid out in one piece.
MIN_PARALLEL_ROWS = 60
#: Up to this many rows, the parts are laid out in the render processes at
#: the same time (fast; each process holds its fonts and a part's layout,
#: about 250 MB).  A longer document is laid out part by part in the issuing
#: process instead, so a 5,000-row statement peaks below 300 MB in all
#: rather than at that much per process (measured; bench/RESULTS.md).
MAX_PARALLEL_ROWS = 2000
#: No part holds more rows than this, so the memory of a layout stays bounded
#: however long the document (about 2 MB per page is held until written).
MAX_PART_ROWS = 400


def text_width(text: str) -> float:
    """Width of ``text`` in CJK character widths: wide and full-width
    characters count 1, everything else (Latin letters, digits) 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def row_cost(row: Any, paging: Paging) -> float:
    """Height of ``row`` in single-line rows."""
    if paging.grid is not None:
        return 1.0 + (paging.grid.height(row) - 1) * paging.extra_line
    lines = 1
    for key, per_line in paging.wrap.items():
        value = row.get(key) if isinstance(row, dict) else getattr(row, key, None)
        if value:
            lines = max(lines, math.ceil(text_width(str(value)) / per_line))
    return 1.0 + (lines - 1) * paging.extra_line


def page_starts(rows: Sequence[Any], paging: Paging) -> list[int]:
    """Indexes of the rows that begin a page after the first."""
    starts: list[int] = []
    capacity, used = paging.first_page, 0.0
    for i, row in enumerate(rows):
        cost = row_cost(row, paging)
        if used and used + cost > capacity:
            starts.append(i)
            capacity, used = paging.per_page, 0.0
        used += cost
    return starts


def parallel(n: int, processes: int) -> bool:
    """Whether ``n`` rows are laid out in the render processes."""
    return processes > 1 and MIN_PARALLEL_ROWS <= n <= MAX_PARALLEL_ROWS


def plan_parts(n: int, starts: Sequence[int], processes: int) -> list[tuple[int, int]]:
    """Cut ``n`` rows into parts at page starts: one part per render process
    when they are used (for speed), else parts of at most ``MAX_PART_ROWS``
    rows (for memory).  Returns ``[(start, end), ...]``."""
    if parallel(n, processes):
        # one part per process: a second round of parts would wait for the first
        want = processes * math.ceil(n / (processes * MAX_PARALLEL_ROWS / 2))
    else:
        want = math.ceil(n / MAX_PART_ROWS)
    if want <= 1 or not starts:
        return [(0, n)]
    cuts: list[int] = []
    j = 0
    for k in range(1, want):
        target = n * k / want
        # the page start nearest to the target, after the previous cut
        while j + 1 < len(starts) and abs(starts[j + 1] - target) <= abs(starts[j] - target):
            j += 1
        if starts[j] > (cuts[-1] if cuts else 0) and starts[j] < n:
            cuts.append(starts[j])
    bounds = [0, *cuts, n]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


@dataclass(frozen=True)
class Chunk:
    """What a template needs to know about the part it is rendering:
    ``first`` (print the title and fields), ``last`` (print the totals and
    what follows the table), ``parts`` (more than one: page numbers are
    added after joining), and ``starts_page(loop.index0)`` for the rows."""

    index: int = 0
    parts: int = 1
    offset: int = 0
    starts: frozenset[int] = field(default_factory=frozenset)

    @property
    def first(self) -> bool:
        return self.index == 0

    @property
    def last(self) -> bool:
        return self.index == self.parts - 1

    def starts_page(self, i: int) -> bool:
        """Whether row ``i`` of this part begins a new page (never the
        first row of a later part: that one is at the top of a page anyway)."""
        return i > 0 and (self.offset + i) in self.starts


WHOLE = Chunk()
