"""Cross-region selling (窜货, seed 001 第四节): a unit found outside the
region it was shipped into becomes an incident with penalty and status."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.access import has_permission
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError, lock
from core.fields import required_text, to_date, to_decimal

from ..models import CrossRegionIncident, ShipmentSerial
from ..models.market import INC_DISMISSED, INC_OPEN, INC_PENALISED, INCIDENT_STATES
from .common import cents
from core import clock

SEQUENCE = "dealers.incident"
DECIDE = "dealers.incident_decide"


def _norm(v: str | None) -> str:
    return (v or "").strip()


def same_region(shipment: ShipmentSerial, province: str, city: str, county: str) -> bool:
    """Found inside the shipment's region: every level given on both sides matches."""
    pairs = ((shipment.province, province), (shipment.city, city), (shipment.county, county))
    return all(not a or not b or _norm(a) == _norm(b) for a, b in pairs)


def report_found_unit(session: Session, user, *, serial_no: str, province: str = "", city: str = "",
                      county: str, place: str = "", found_on=None,
                      note: str | None = None) -> CrossRegionIncident | None:
    """Log where a unit was seen; returns the incident, or None when the unit
    is inside its own region."""
    serial = required_text(serial_no, _l("Serial number"), 60)
    county = required_text(county, _l("County"), 40)
    shipment = session.scalar(select(ShipmentSerial).where(ShipmentSerial.serial_no == serial))
    if shipment is None:
        raise ServiceError(_l("No shipment carries serial number %(sn)s.", sn=serial))
    if same_region(shipment, province, city, county):
        return None
    day = to_date(found_on, _l("Found on"), allow_blank=True) or clock.today()
    if day > clock.today():
        raise ServiceError(_l("A date in the future is not accepted."))
    # One unit found on one day is one incident: the shipment's row, locked,
    # so that two people reporting the same sighting at once make one
    # incident and the second is told about it.
    shipment = lock(session, shipment)
    dup = session.scalar(select(CrossRegionIncident).where(
        CrossRegionIncident.shipment_id == shipment.id, CrossRegionIncident.found_on == day))
    if dup is not None:
        raise ServiceError(_l("Serial number %(sn)s was already reported outside its region on "
                              "%(day)s (incident %(number)s).",
                              sn=serial, day=day.isoformat(), number=dup.number))
    inc = CrossRegionIncident(number=next_number(session, SEQUENCE, day), shipment_id=shipment.id,
                              customer_id=shipment.customer_id, found_province=_norm(province)[:40],
                              found_city=_norm(city)[:40], found_county=county,
                              found_place=_norm(place)[:200], found_on=day, status=INC_OPEN,
                              note=note, reported_by=user.id if user else None)
    session.add(inc)
    session.flush()
    return inc


def decide_incident(session: Session, inc: CrossRegionIncident, user, *, status: str,
                    penalty="0", note: str = "") -> None:
    """A manager confirms, penalises or dismisses an incident (audited)."""
    if not has_permission(session, user, DECIDE):
        raise ServiceError(_l("Only a manager may decide on a cross-region incident."))
    if status not in INCIDENT_STATES or status == INC_OPEN:
        raise ServiceError(_l("Unknown status."))
    inc = lock(session, inc)
    if inc.status in (INC_PENALISED, INC_DISMISSED):
        raise ServiceError(_l("This incident is closed."))
    amount = cents(to_decimal(penalty or "0", _l("Penalty")))
    if status == INC_PENALISED and amount <= 0:
        raise ServiceError(_l("A penalty needs an amount above zero."))
    reason = required_text(note, _l("Note"), 2000)
    audit.set_reason(session, reason)
    inc.status = status
    inc.penalty = amount if status == INC_PENALISED else inc.penalty
    inc.note = ((inc.note or "") + "\n" + reason).strip()
    inc.closed_on = clock.today() if status in (INC_PENALISED, INC_DISMISSED) else None
    session.flush()


