"""Fixed-pitch grids: a long table printed as lines of text.

WeasyPrint's time for a table grows with its boxes.  A statement row of six
cells is seven elements, six line boxes and six text boxes, each with its
own style, borders and Pango layout: about 4 ms a row, where Chromium takes
well under one.  A grid row is one table cell holding the whole row as
preformatted text in the monospaced face of the PDF font ("Qudao Mono",
Noto Sans Mono CJK SC: a Chinese character is two cells wide, a Latin
letter, digit or space one), its columns padded with spaces to fixed
widths, like the ledger printouts of a bank: one element and one text box
per line, a few times cheaper to lay out (``bench/FINDINGS.md``).

A grid is declared once, in Python, with its columns' widths in cells::

    STATEMENT = Grid(Column(10), Column(15), Column(34, key="description"),
                     Column(15, "right"), Column(15, "right"), Column(15, "right"))

and a template prints a row with ``{{ grid.row(a, b, c, ...) }}`` (escaped
text; the cell that holds it has ``white-space: pre``, see ``print.css``).
Text wider than its column wraps inside the column, at a space when it has
one and between Chinese characters otherwise, never before closing
punctuation; the row gets as many lines as its tallest column.  The page
plan (``paging.py``) wraps the ``key`` columns of each row the same way, so
a grid's pages are planned exactly.

Widths come from the font itself (``cell_width``): a character whose
advance is not a whole number of cells (some Greek, Cyrillic and symbols in
the font) is printed in a box of its column's width, so the columns after
it still line up.
"""
from __future__ import annotations

import html
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from markupsafe import Markup

#: Closing punctuation that must not begin a line: it stays with the
#: character before it.
_NO_BREAK_BEFORE = frozenset("，。、；：！？）」』】》〉”’,.;:!?)]%")
_SPACE = frozenset(" \t\n\r\f\v\u3000\u00a0")

_widths: dict[int, float] | None = None
_widths_lock = threading.Lock()


def _font_widths() -> dict[int, float]:
    """Advance of every character of the mono face, in cells (500 units of
    1,000 per em): from the GB 2312 copy, else the installed font, else
    nothing (widths then follow Unicode's East Asian Width)."""
    global _widths
    with _widths_lock:
        if _widths is None:
            found: dict[int, float] = {}
            try:
                from fontTools.ttLib import TTFont

                from .fonts import FONT_DIR, MONO_FILE, MONO_FONT, _system_font

                path, index = FONT_DIR / MONO_FILE, 0
                if not path.exists():
                    path, index = _system_font(MONO_FONT)
                font = TTFont(str(path), fontNumber=index, lazy=True)
                per_cell = font["head"].unitsPerEm / 2
                metrics = font["hmtx"].metrics
                found = {cp: metrics[glyph][0] / per_cell
                         for cp, glyph in font.getBestCmap().items()}
            except Exception:  # no font to read: the Unicode rule below
                found = {}
            _widths = found  # published whole: readers do not take the lock
    return _widths


def cell_width(ch: str) -> float:
    """How many cells ``ch`` takes in the mono face."""
    width = (_widths if _widths is not None else _font_widths()).get(ord(ch))
    if width is not None:
        return width
    if unicodedata.combining(ch):
        return 0.0
    return 2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0


def text_width(text: str) -> float:
    if text.isascii():  # letters, digits and punctuation: one cell each
        return len(text)
    widths = _widths if _widths is not None else _font_widths()
    total = 0.0
    for ch in text:
        width = widths.get(ord(ch))
        total += width if width is not None else cell_width(ch)
    return total


def _clean(value: Any) -> str:
    """One line of text: ``None`` is blank, runs of white space are one space."""
    if value is None:
        return ""
    text = str(value)
    if any(ch in _SPACE for ch in text):
        text = " ".join(text.replace("\u3000", " ").split())
    return text


def _atoms(text: str) -> list[tuple[str, float]]:
    """Pieces a line may break between, with their widths: a word of narrow
    characters, one wide character, or one space; closing punctuation
    joins the piece before it."""
    atoms: list[list] = []
    prev_wide = False
    for ch in text:
        w = cell_width(ch)
        wide = w >= 1.5
        if atoms and ch in _NO_BREAK_BEFORE and atoms[-1][0] != " ":
            atoms[-1][0] += ch
            atoms[-1][1] += w
        elif ch == " " or wide or not atoms or prev_wide or atoms[-1][0] == " ":
            atoms.append([ch, w])
        else:
            atoms[-1][0] += ch
            atoms[-1][1] += w
        prev_wide = wide
    return [(a, w) for a, w in atoms]


def wrap(text: Any, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells (a piece wider
    than a whole line is cut where it must)."""
    return list(_wrap(_clean(text), width))


@lru_cache(maxsize=4096)  # the page plan and the template wrap the same text
def _wrap(text: str, width: int) -> tuple[str, ...]:
    if text_width(text) <= width:
        return (text,)
    lines: list[str] = []
    line, used = "", 0.0
    for atom, w in _atoms(text):
        if atom == " ":
            if line and used + 1 <= width:
                line, used = line + " ", used + 1
            continue
        if used + w > width and line:
            lines.append(line.rstrip())
            line, used = "", 0.0
        while w > width:  # a piece longer than the column: cut it
            cut, cw = "", 0.0
            for ch in atom:
                if cw + cell_width(ch) > width and cut:
                    break
                cut, cw = cut + ch, cw + cell_width(ch)
            lines.append(cut)
            atom, w = atom[len(cut):], w - cw
        line, used = line + atom, used + w
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return tuple(lines)


@dataclass(frozen=True)
class Column:
    """``width`` in cells (a Chinese character is two); ``align`` "left"
    or "right"; ``key``: the row field whose text fills the column, for the
    page plan (only columns that can wrap need it)."""

    width: int
    align: str = "left"
    key: str | None = None


class Grid:
    """Columns of fixed width, ``gap`` cells apart."""

    def __init__(self, *columns: Column, gap: int = 2):
        if not columns:
            raise ValueError("a grid needs at least one column")
        self.columns = tuple(columns)
        self.gap = gap

    @property
    def width(self) -> int:
        """The whole line, in cells."""
        return sum(c.width for c in self.columns) + self.gap * (len(self.columns) - 1)

    def cells(self, values: Iterable[Any]) -> list[list[str]]:
        """Each column's lines."""
        values = list(values)
        if len(values) != len(self.columns):
            raise ValueError(f"the grid has {len(self.columns)} columns, "
                             f"the row {len(values)} values")
        return [wrap(v, c.width) for c, v in zip(self.columns, values)]

    def lines(self, *values: Any) -> list[str]:
        """The row as plain lines of text (what a reader copies from the PDF)."""
        cols = self.cells(values)
        return [self._line(cols, i, escaped=False) for i in range(max(map(len, cols)))]

    def row(self, *values: Any) -> Markup:
        """The row for the template: escaped lines joined by newlines."""
        cols = self.cells(values)
        return Markup("\n".join(self._line(cols, i, escaped=True)
                                 for i in range(max(map(len, cols)))))

    def height(self, row: Any) -> int:
        """Lines of a context row (a dict or an object), from its ``key``
        columns: what the page plan counts."""
        lines = 1
        for col in self.columns:
            if col.key:
                value = row.get(col.key) if isinstance(row, dict) else getattr(row, col.key, None)
                if value:
                    lines = max(lines, len(wrap(value, col.width)))
        return lines

    def _line(self, cols: list[list[str]], i: int, escaped: bool) -> str:
        out = []
        last = len(self.columns) - 1
        for n, (col, lines) in enumerate(zip(self.columns, cols)):
            text = lines[i] if i < len(lines) else ""
            width = text_width(text)
            body = html.escape(text, quote=False) if escaped else text
            if width != int(width) and escaped:
                # not a whole number of cells: a box of the column's width
                right = " r" if col.align == "right" else ""
                out.append(f'<span class="gc{right}" style="width: {col.width}ch">{body}</span>')
            else:
                pad = " " * max(0, col.width - int(round(width)))
                out.append(pad + body if col.align == "right" else
                           body if n == last else body + pad)
            if n != last:
                out.append(" " * self.gap)
        return "".join(out).rstrip()
