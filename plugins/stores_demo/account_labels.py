"""Labels of the stored codes of the key-account pages (stages, lead
sources, levels, channels, outcomes, handover rules), translated when shown."""
from __future__ import annotations

from core.i18n import _l

#: The seed's business flow chart (002 §二.1)
STAGE_LABELS = {
    "network": _l("Network building"),
    "gather": _l("Information gathering and analysis"),
    "confirmed": _l("Customer confirmed"),
    "seek_contact": _l("Seek contact"),
    "first_talk": _l("First conversation"),
    "needs": _l("Understand needs"),
    "opportunity": _l("Seek the opportunity"),
    "close": _l("Closing the sale"),
    "choose": _l("Choose pieces / home presentation"),
    "deal": _l("Deal, follow-up and delivery"),
    "revisit": _l("Periodic revisit"),
    "value_added": _l("Value-added service"),
    "repeat": _l("Repeat sale"),
}

LEAD_SOURCE_LABELS = {
    "friend": _l("Friends"),
    "relative": _l("Relatives"),
    "classmate": _l("Classmates"),
    "colleague": _l("Colleagues"),
    "mall_sales": _l("Mall and industry sales staff"),
    "platform": _l("Clubs and platforms"),
    "direct_sales": _l("Direct sales of other trades (wealth management, cars)"),
    "walk_in": _l("Store walk-in"),
    "other": _l("Other"),
}

LEVEL_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}

CHANNEL_LABELS = {
    "sms": _l("SMS / WeChat"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "mail": _l("Mailing (brochure)"),
    "meeting": _l("Face to face"),
}

OUTCOME_LABELS = {
    "reached": _l("Reached"),
    "no_answer": _l("No answer"),
    "interested": _l("Interested"),
    "declined": _l("Declined"),
    "meeting_set": _l("Meeting agreed"),
}

RULE_LABELS = {"round_robin": _l("Round robin"), "by_kind": _l("By account kind")}

#: Profile field labels (the form, the detail page)
FIELD_LABELS = {
    "mobile": _l("Mobile"),
    "is_organisation": _l("Organisation"),
    "lead_source": _l("Lead source"),
    "introducer_id": _l("Introduced by"),
    "competitor_brands": _l("Competitor brands bought"),
    "economy": _l("Economy"),
    "health": _l("Health"),
    "family": _l("Family"),
    "work": _l("Work"),
    "social_circle": _l("Social circle"),
    "hobbies": _l("Hobbies"),
    "culture": _l("Culture"),
    "aspirations": _l("Aspirations"),
    "personality": _l("Personality"),
    "pieces_owned": _l("Pieces owned (style, count, amount)"),
    "needs": _l("Needs (purchase, style, service)"),
    "buying_habits": _l("Buying habits"),
    "purchase_purposes": _l("Purpose of past purchases"),
    "price_sensitivity": _l("Price sensitivity"),
    "product_sensitivity": _l("Product sensitivity"),
    "environment_sensitivity": _l("Environment sensitivity"),
    "spend_to_income": _l("Spend against income"),
    "uniqueness_need": _l("Need for a unique style"),
    "purchase_complexity": _l("Complexity of the purchase"),
    "decision_maker": _l("Decision maker"),
    "buyer": _l("Buyer"),
    "end_user": _l("User"),
    "need_department": _l("Department raising the need"),
    "deciding_department": _l("Department deciding"),
}
