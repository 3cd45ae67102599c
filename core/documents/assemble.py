"""Joining the parts of a long document into one PDF (with pikepdf, i.e.
qpdf): pages in order, the document information (title, author, subject =
document number) of the first part, and "page n of N" laid over every page
from a separately rendered page-number PDF, since no part knew N."""
from __future__ import annotations

import io
from typing import Callable

import pikepdf


def page_size(page) -> tuple[int, int]:
    """Width and height of a page in points (a landscape page is wider)."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    return round(x1 - x0), round(y1 - y0)


def join(parts: list[bytes], page_numbers: Callable[[int, tuple[int, int]], bytes]) -> bytes:
    """One PDF of ``parts`` in order; ``page_numbers(N, (width, height))``
    returns a PDF of N pages of that size holding only the page numbers."""
    sources = [pikepdf.open(io.BytesIO(data)) for data in parts]
    try:
        out = pikepdf.new()
        for src in sources:
            out.pages.extend(src.pages)
        total = len(out.pages)
        with pikepdf.open(io.BytesIO(page_numbers(total, page_size(out.pages[0])))) as numbers:
            if len(numbers.pages) != total:
                raise RuntimeError(f"page numbers for {total} pages have {len(numbers.pages)}")
            for page, stamp in zip(out.pages, numbers.pages):
                page.add_overlay(stamp)
            for key, value in sources[0].docinfo.items():
                out.docinfo[key] = pikepdf.String(str(value))
            buf = io.BytesIO()
            out.save(buf, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buf.getvalue()
    finally:
        for src in sources:
            src.close()
