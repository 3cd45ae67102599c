"""How the change history names the customers' records, fields and codes
(``register_audit_labels``; issue 21, item 25).  The labels are the forms'."""
from __future__ import annotations

from core.i18n import _l
from core.registry import AuditLabels


def audit_labels() -> list[AuditLabels]:
    from .services import evaluation, man, master, opening, visits

    grade_value = {"A": "A", "B": "B", "C": "C"}
    common = {"customer_id": _l("Customer"), "notes": _l("Notes"), "note": _l("Note"),
              "owner_id": _l("Salesperson"), "org_unit_id": _l("Org unit"),
              "user_id": _l("Salesperson")}
    return [
        AuditLabels("customers_customer", _l("Customer"), {
            **common, "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"),
            "status": _l("Status"), "status_reason": _l("Reason"), "tags": _l("Tags"),
            "province": _l("Province"), "city": _l("City"), "county": _l("County / district"),
            "town": _l("Town / street"), "address": _l("Address"), "phone": _l("Phone"),
            "legal_person": _l("Legal person"), "licence_no": _l("Unified social credit code"),
            "tax_no": _l("Tax number"), "grade": _l("Grade"), "grade_computed": _l("Grade"),
            "grade_override": _l("Manual grade"), "grade_override_reason": _l("Reason"),
            "loyalty_type": _l("Loyalty type"), "loyalty_note": _l("Note"),
            "boss_family": _l("Boss: family"), "boss_hobbies": _l("Boss: hobbies"),
            "boss_personality": _l("Boss: personality"), "real_decider": _l("Who really decides"),
            "last_visit_on": _l("Last visit")},
            {"status": master.status_labels(), "grade": grade_value}),
        AuditLabels("customers_contact", _l("Contact"), {
            **common, "name": _l("Name"), "role": _l("Role"), "phone": _l("Phone"),
            "wechat": _l("WeChat"), "email": _l("Email"), "birthday": _l("Birthday"),
            "is_decider": _l("Decides purchases")}),
        AuditLabels("customers_application", _l("Account opening"), {
            **common, "state": _l("State"), "submitted_at": _l("Submitted"),
            "submitted_by": _l("Submitted"), "decided_at": _l("Decided"),
            "decided_by": _l("Decided"), "decision_reason": _l("Reason")},
            {"state": opening.state_labels()}),
        AuditLabels("customers_man_check", _l("MAN check"), {
            **common, "money": _l("M — has the money to buy"),
            "authority": _l("A — has authority to decide"), "need": _l("N — has the need"),
            "interest_product": _l("Interested in the product"),
            "interest_buying": _l("Interested in buying"),
            "needs_met": _l("The product meets their needs"),
            "trust_product": _l("Trusts the product"),
            "good_impression": _l("Good impression of our company"),
            "credit_status": _l("Credit status"), "payment_plan": _l("Payment plan"),
            "checked_by": _l("Salesperson")},
            {"outcome": man.outcome_labels()}),
        AuditLabels("customers_evaluation", _l("Evaluation"), {
            **common, "period": _l("Period"), "transaction": _l("Transaction (交易性)"),
            "profitability": _l("Profitability (收益性)"), "safety": _l("Safety / credit (安全性)"),
            "growth": _l("Growth (发展性)"), "cooperation": _l("Cooperation (合作性)"),
            "score": _l("Score"), "action": _l("Action"), "evaluated_by": _l("Salesperson")},
            {"action": evaluation.action_labels()}),
        AuditLabels("customers_visit", _l("Visit"), {
            **common, "visit_date": _l("Date"), "state": _l("State"), "purpose": _l("Purpose"),
            "objectives": _l("Objectives"), "objective_note": _l("Other objective"),
            "time_in": _l("Time in"), "time_out": _l("Time out"),
            "first_visit": _l("First visit"), "agreed_actions": _l("Agreed actions"),
            "objective_met": _l("Objective met"), "next_visit_on": _l("Next visit")},
            {"state": visits.state_labels(), "purpose": visits.purpose_labels(),
             "objectives": visits.objective_labels()}),
        AuditLabels("customers_followup", _l("Follow-up task"), {
            **common, "visit_id": _l("Visit"), "title": _l("Title"), "due_on": _l("Due"),
            "done_at": _l("Done")}),
    ]
