"""Server-side SVG charts: plain geometry computed here, drawn by the
templates ``dealers/_chart_*.svg.html`` (no script, no inline style, so the
CSP holds and the charts print)."""
from __future__ import annotations

from decimal import Decimal


def _nice_max(value: float) -> int:
    if value <= 0:
        return 1
    step = 1
    while step * 10 <= value:
        step *= 10
    for m in (1, 2, 5, 10):
        if m * step >= value:
            return m * step
    return 10 * step


def grouped_bars(series: list[dict], keys: tuple[str, str], width: int = 560, height: int = 220) -> dict:
    """Two bars per category (e.g. sell-in and sell-out per month)."""
    left, right, top, bottom = 40, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max([max(int(s[keys[0]]), int(s[keys[1]])) for s in series] + [0]))
    n = max(1, len(series))
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.35)
    bars, labels = [], []
    for i, s in enumerate(series):
        x0 = left + i * slot + (slot - 2 * bar_w) / 2
        for j, k in enumerate(keys):
            v = int(s[k])
            h = plot_h * v / top_value
            bars.append({"x": round(x0 + j * bar_w, 1), "y": round(top + plot_h - h, 1),
                         "w": round(bar_w - 1, 1), "h": round(h, 1), "series": j, "value": v,
                         "label": s.get("label", "")})
        labels.append({"x": round(left + i * slot + slot / 2, 1), "y": height - 10,
                       "text": s.get("label", "")})
    ticks = [{"y": round(top + plot_h - plot_h * f, 1), "value": int(top_value * f)}
             for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "bars": bars, "labels": labels, "ticks": ticks,
            "left": left, "right": width - right, "baseline": top + plot_h}


def hbars(rows: list[dict], marks: dict[str, Decimal], width: int = 560, row_h: int = 22) -> dict:
    """One horizontal bar per row (weeks of cover per dealer) with vertical
    marks (target, ceiling).  ``None`` values draw as "no sell-out"."""
    left, right, top = 150, 40, 6
    plot_w = width - left - right
    values = [float(r["value"]) for r in rows if r["value"] is not None]
    top_value = _nice_max(max(values + [float(v) for v in marks.values()] + [1.0]))
    out = []
    for i, r in enumerate(rows):
        y = top + i * row_h
        v = r["value"]
        w = plot_w if v is None else plot_w * float(v) / top_value
        out.append({"y": y, "w": round(min(w, plot_w), 1), "h": row_h - 6, "label": r["label"],
                    "value": "∞" if v is None else str(v), "none": v is None,
                    "over": r.get("over", False), "text_y": y + row_h / 2 + 1})
    height = top + max(1, len(rows)) * row_h + 20
    lines = [{"x": round(left + plot_w * float(v) / top_value, 1), "name": name, "value": str(v)}
             for name, v in marks.items()]
    return {"width": width, "height": height, "left": left, "rows": out, "marks": lines,
            "bottom": height - 16, "max": top_value}
