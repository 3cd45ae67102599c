"""China's administrative divisions (GB/T 2260): 省 → 市 → 县/区, with the
coordinates of each seat, for the region picker (issue 21 #5) and the day
route (#7).

The list is vendored in ``plugins/customers/data/divisions.json`` (from the
PyPI package cpca 0.5.5, MIT licence, see ``LICENCE-cpca.txt`` beside it):
``[code, name, longitude, latitude]`` per division, six-digit codes.  A
municipality's city level ("市辖区", "县") is shown as the municipality
itself (北京市 → 北京市 → 东城区), and a province's directly administered
county-level cities ("省直辖县级行政区划") keep that name as their city.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent.parent / "data" / "divisions.json"
#: City-level placeholders of the municipalities (北京, 天津, 上海, 重庆).
_MUNICIPAL_CITY = ("市辖区", "县")
#: Suffixes a typed name may leave off: 浙江 → 浙江省, 杭州 → 杭州市, 萧山 → 萧山区.
SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州",
            "自治县", "省", "市", "区", "县", "盟", "旗", "地区")


class Division(NamedTuple):
    code: str
    name: str
    lng: float | None
    lat: float | None


class _Tree(NamedTuple):
    by_code: dict[str, Division]
    children: dict[str, list[Division]]  # "" → provinces


def _level(code: str) -> int:
    return 1 if code.endswith("0000") else 2 if code.endswith("00") else 3


@lru_cache(maxsize=1)
def tree() -> _Tree:
    raw = json.loads(DATA.read_text(encoding="utf-8"))["divisions"]
    by_code: dict[str, Division] = {}
    for code, name, lng, lat in raw:
        by_code[code] = Division(code, name, lng, lat)
    children: dict[str, list[Division]] = {"": []}
    for d in by_code.values():
        level = _level(d.code)
        if level == 1:
            children[""].append(d)
            continue
        if level == 2:
            parent = d.code[:2] + "0000"
            if d.name in _MUNICIPAL_CITY:  # shown as the municipality itself
                d = by_code[d.code] = d._replace(name=by_code[parent].name)
            children.setdefault(parent, [])
            if all(c.name != d.name for c in children[parent]):
                children[parent].append(d)
            continue
        parent = d.code[:4] + "00"
        if parent not in by_code:  # a county directly under its province
            parent = d.code[:2] + "0000"
        city = by_code[parent]
        # Counties of a municipality's second placeholder (重庆 "县") sit
        # with the first, under the one city 重庆市.
        target = next((c for c in children.get(city.code[:2] + "0000", [])
                       if c.name == city.name), city) if _level(city.code) == 2 else city
        children.setdefault(target.code, []).append(d)
    for lst in children.values():
        lst.sort(key=lambda x: x.code)
    return _Tree(by_code, children)


def provinces() -> list[Division]:
    return tree().children[""]


def children(division: Division | None) -> list[Division]:
    return tree().children.get(division.code, []) if division else []


def _match(options: list[Division], value: str) -> Division | None:
    """The option named ``value``, or whose name is ``value`` plus a suffix."""
    value = (value or "").strip()
    if not value:
        return None
    for d in options:
        if d.name == value:
            return d
    hits = [d for d in options if d.name.startswith(value) and d.name[len(value):] in SUFFIXES]
    return hits[0] if len(hits) == 1 else None


def resolve(province: str, city: str = "", county: str = "") -> tuple[Division | None, ...]:
    """The divisions named by a (possibly short) province, city and county;
    None where a level does not match (or is not given)."""
    p = _match(provinces(), province)
    c = _match(children(p), city) if p else None
    k = _match(children(c), county) if c else None
    return p, c, k


@lru_cache(maxsize=4096)
def normalise(province: str, city: str = "", county: str = "") -> tuple[str, str, str] | None:
    """Standard names for what was typed (浙江, 杭州, 萧山 → 浙江省, 杭州市,
    萧山区); None when a given level is not in the list."""
    province, city, county = ((v or "").strip() for v in (province, city, county))
    p, c, k = resolve(province, city, county)
    if c is not None and county and not children(c):
        # A city with no counties (东莞市, 中山市, 嘉峪关市): its towns come
        # next, and are not in the list; kept as typed.
        return p.name, c.name, county
    if (city and not province) or (county and not city) or (province and p is None) or (city and c is None) or (county and k is None):
        return None
    return (p.name if p else "", c.name if c else "", k.name if k else "")


def coordinates(province: str, city: str = "", county: str = "") -> tuple[float, float] | None:
    """(longitude, latitude) of the most precise division named, else None."""
    for d in reversed(resolve(province, city, county)):
        if d is not None and d.lng is not None:
            return d.lng, d.lat
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lng, lat) points."""
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def as_json() -> dict:
    """{province: {city: [county, …]}} for the picker's script."""
    out: dict = {}
    for p in provinces():
        out[p.name] = {c.name: [k.name for k in children(c)] for c in children(p)}
    return out
