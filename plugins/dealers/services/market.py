"""Market and dealer surveys, the dealer selection score and the coverage
report (seed 000 §四.2: 一县两点, 乡镇一点)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from core.access import scoped_select
from core.i18n import _l
from core.services import ServiceError
from core.fields import required_text, to_date, to_decimal, to_int
from plugins.customers.api import ACTIVE, Customer

from ..models import CompetitorSurvey, DealerSurvey, RegionSurvey, DealerTerminal
from ..models.network import DEALER_KINDS
from .common import setting

SCORE_FIELDS = ("reputation", "scale_capital", "influence", "management", "network", "logistics")


def _text(v, n=40) -> str:
    return (v or "").strip()[:n]


def save_region_survey(session: Session, survey: RegionSurvey | None, user, **f) -> RegionSurvey:
    county = required_text(f.get("county"), _l("County"), 40)
    towns_raw = f.get("towns") or ""
    if isinstance(towns_raw, str):
        towns_raw = towns_raw.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    towns = []
    for t in towns_raw:
        t = t.strip()
        if t and t not in towns:
            towns.append(t[:60])
    if survey is None:
        survey = RegionSurvey(county=county, org_unit_id=user.org_unit_id, owner_id=user.id,
                              surveyed_on=to_date(f.get("surveyed_on"), _l("Surveyed on")))
        session.add(survey)
    survey.province, survey.city, survey.county = _text(f.get("province")), _text(f.get("city")), county
    survey.population = to_int(f.get("population"), _l("Population"), allow_blank=True, default=0)
    survey.towns = towns
    survey.market_character = (f.get("market_character") or "").strip()
    survey.market_size_units = to_int(f.get("market_size_units"), _l("Market size (units a year)"),
                                      allow_blank=True, default=0)
    survey.market_size_amount = to_decimal(f.get("market_size_amount") or "0",
                                           _l("Market size (CNY a year)"))
    survey.surveyed_on = to_date(f.get("surveyed_on"), _l("Surveyed on"))
    survey.notes = f.get("notes")
    session.flush()
    return survey


def selection_weights(session: Session) -> dict[str, int]:
    return {k: int(setting(session, "weight_" + k)) for k in SCORE_FIELDS}


def selection_score(weights: dict[str, int], scores: dict[str, int]) -> Decimal:
    """Weighted score out of 100 from 1–5 marks (seed 000 §四.2.E criteria)."""
    total_w = sum(weights.values())
    if total_w <= 0:
        raise ServiceError(_l("The selection weights add up to zero; set them under Settings."))
    raw = sum(Decimal(scores[k]) / 5 * weights[k] for k in SCORE_FIELDS)
    return (raw * 100 / total_w).quantize(Decimal("0.1"), ROUND_HALF_UP)


def save_dealer_survey(session: Session, survey: DealerSurvey | None, user, **f) -> DealerSurvey:
    name = required_text(f.get("dealer_name"), _l("Dealer"), 200)
    scores = {}
    for k in SCORE_FIELDS:
        v = to_int(f.get("score_" + k), _l("Score"), minimum=1)
        if v > 5:
            raise ServiceError(_l("Scores go from 1 to 5."))
        scores[k] = v
    share = to_decimal(f.get("sales_share_pct") or "0", _l("Sales share (%)"))
    if share > 100:
        raise ServiceError(_l("A share is at most 100 %."))
    if survey is None:
        survey = DealerSurvey(dealer_name=name, org_unit_id=user.org_unit_id, owner_id=user.id,
                              surveyed_on=to_date(f.get("surveyed_on"), _l("Surveyed on")))
        session.add(survey)
    survey.dealer_name = name
    survey.customer_id = int(f["customer_id"]) if f.get("customer_id") else None
    survey.county = _text(f.get("county"))
    survey.surveyed_on = to_date(f.get("surveyed_on"), _l("Surveyed on"))
    survey.sales_share_pct = share
    for k in ("financial_condition", "management_level", "strength", "reputation_note"):
        setattr(survey, k, (f.get(k) or "").strip())
    for k, v in scores.items():
        setattr(survey, "score_" + k, v)
    survey.total_score = selection_score(selection_weights(session), scores)
    session.flush()
    return survey


def save_competitor_survey(session: Session, survey: CompetitorSurvey | None, user, **f) -> CompetitorSurvey:
    brand = required_text(f.get("brand"), _l("Brand"), 80)
    if survey is None:
        survey = CompetitorSurvey(brand=brand, org_unit_id=user.org_unit_id, owner_id=user.id,
                                  surveyed_on=to_date(f.get("surveyed_on"), _l("Surveyed on")))
        session.add(survey)
    survey.brand = brand
    survey.county = _text(f.get("county"))
    survey.customer_id = int(f["customer_id"]) if f.get("customer_id") else None
    for k in ("main_models", "price_notes", "activities"):
        setattr(survey, k, (f.get(k) or "").strip())
    survey.surveyed_on = to_date(f.get("surveyed_on"), _l("Surveyed on"))
    session.flush()
    return survey


# -- coverage -------------------------------------------------------------------------
@dataclass
class TownRow:
    town: str
    points: int
    required: int
    in_survey: bool

    @property
    def gap(self) -> int:
        return max(0, self.required - self.points)


@dataclass
class CountyRow:
    province: str
    city: str
    county: str
    surveyed: bool
    seat_points: int
    seat_required: int
    towns: list[TownRow] = field(default_factory=list)

    @property
    def seat_gap(self) -> int:
        return max(0, self.seat_required - self.seat_points)

    @property
    def town_gaps(self) -> int:
        return sum(t.gap for t in self.towns)

    @property
    def towns_uncovered(self) -> list[str]:
        return [t.town for t in self.towns if t.gap]


def coverage(session: Session, user) -> list[CountyRow]:
    """Points of sale per county seat and town against the rule; a point is
    an active terminal, or an active dealer with no terminal at its own
    address (customers' region fields)."""
    per_county = int(setting(session, "coverage_points_per_county"))
    per_town = int(setting(session, "coverage_points_per_town"))
    points: dict[tuple[str, str, str], dict[str, int]] = {}

    def add(prov, city, county, town, n):
        key = ((prov or "").strip(), (city or "").strip(), (county or "").strip())
        if not key[2]:
            return
        slot = points.setdefault(key, {})
        t = (town or "").strip()
        slot[t] = slot.get(t, 0) + int(n)

    terminals = scoped_select(session, DealerTerminal, user).where(DealerTerminal.active.is_(True)).subquery()
    for prov, city, county, town, n in session.execute(
            select(terminals.c.province, terminals.c.city, terminals.c.county, terminals.c.town,
                   func.count()).group_by(terminals.c.province, terminals.c.city,
                                          terminals.c.county, terminals.c.town)):
        add(prov, city, county, town, n)
    has_terminal = exists().where(DealerTerminal.customer_id == Customer.id, DealerTerminal.active.is_(True))
    bare = (scoped_select(session, Customer, user)
            .where(Customer.kind.in_(DEALER_KINDS), Customer.status == ACTIVE, ~has_terminal)
            .subquery())
    for prov, city, county, town, n in session.execute(
            select(bare.c.province, bare.c.city, bare.c.county, bare.c.town, func.count())
            .group_by(bare.c.province, bare.c.city, bare.c.county, bare.c.town)):
        add(prov, city, county, town, n)

    surveys: dict[tuple[str, str, str], RegionSurvey] = {}
    for s in session.execute(scoped_select(session, RegionSurvey, user)
                             .order_by(RegionSurvey.surveyed_on, RegionSurvey.id)).scalars():
        surveys[(s.province.strip(), s.city.strip(), s.county.strip())] = s  # latest wins
    rows = []
    for key in sorted(set(points) | set(surveys)):
        found = points.get(key, {})
        survey = surveys.get(key)
        listed = list(survey.towns) if survey else []
        towns = [TownRow(t, found.get(t, 0), per_town, True) for t in listed]
        towns += [TownRow(t, n, per_town, False) for t, n in sorted(found.items())
                  if t and t not in listed]
        rows.append(CountyRow(key[0], key[1], key[2], survey is not None, found.get("", 0),
                              per_county, towns))
    return rows


def score_labels() -> dict[str, object]:
    return {"reputation": _l("Reputation (keeps contracts, pays on time)"),
            "scale_capital": _l("Scale and capital"), "influence": _l("Regional influence"),
            "management": _l("Management ability"), "network": _l("Sales network"),
            "logistics": _l("Warehousing and delivery")}
