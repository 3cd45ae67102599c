"""Translated labels for the codes stored in the development tables."""
from __future__ import annotations

from core.i18n import _l


def state_labels() -> dict[str, object]:
    return {
        "draft": _l("Draft"), "submitted": _l("Submitted"), "approved": _l("Approved"),
        "rejected": _l("Rejected"), "paid": _l("Paid"),
        "planned": _l("Planned"), "discussed": _l("Discussed"), "applied": _l("Applied"),
        "visited": _l("Visited"), "followed_up": _l("Followed up"), "summarised": _l("Summarised"),
        "requested": _l("Requested"), "received": _l("Received"), "reported": _l("Reported"),
        "face_to_face": _l("Face to face"), "phone": _l("Phone"), "video": _l("Video call"),
        "company_car": _l("Company car"), "own_car": _l("Own car"), "taxi": _l("Taxi"),
        "public": _l("Public transport"),
        "travel": _l("Travel"), "entertainment": _l("Entertainment"), "gift": _l("Gifts"),
        "transport": _l("Transport"),
    }


def state_label(code: str | None):
    if code is None:
        return ""
    return state_labels().get(code, code)
