"""Export a program as a Credential Transparency Description Language (CTDL) JSON-LD document.

The shapes follow the Credential Engine ingest examples (``ceterms:LearningProgram``
with language maps ``{"en-US": ...}``, ``CredentialAlignmentObject`` for
delivery type and occupations, ``CostProfile``, ``DurationProfile``,
``ConditionProfile``). ``docs/interop.md`` lists each term, where its shape
was checked, and what is *not* exported. The document is a starting point
for publishing to the Credential Registry, not a registry-ready envelope:
the provider, support services and financial assistance are embedded as
blank nodes where the registry expects references to published resources.
"""

from __future__ import annotations

import uuid
from typing import Any

from .records import Delivery, Program

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
LANG = "en-US"

# A fixed namespace so the same program id always gets the same CTID.
_CTID_NAMESPACE = uuid.UUID("6f1c1b44-2d55-4f43-9d0a-6a0c3e5f8a10")

_DELIVERY = {
    Delivery.IN_PERSON: ("deliveryType:InPerson", "In Person Only"),
    Delivery.ONLINE: ("deliveryType:OnlineDelivery", "Online Only"),
    Delivery.HYBRID: ("deliveryType:BlendedDelivery", "Blended Delivery"),
}


def _text(value: str) -> dict[str, str]:
    return {LANG: value}


def ctid_for(program_id: str) -> str:
    """A stable CTID (``ce-<uuid>``) derived from the program id."""
    return f"ce-{uuid.uuid5(_CTID_NAMESPACE, program_id)}"


def to_ctdl(program: Program) -> dict[str, Any]:
    """The program as a ``ceterms:LearningProgram`` JSON-LD document (a plain dict)."""
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ceterms:LearningProgram",
        "ceterms:ctid": ctid_for(program.id),
        "ceterms:name": _text(program.name),
    }
    if program.description:
        doc["ceterms:description"] = _text(program.description)
    if program.url:
        doc["ceterms:subjectWebpage"] = program.url
    doc["ceterms:offeredBy"] = [{"@type": "ceterms:Organization", "ceterms:name": _text(program.provider)}]
    doc["ceterms:inLanguage"] = list(program.languages)

    node, label = _DELIVERY[program.location.delivery]
    doc["ceterms:deliveryType"] = [{
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": "https://credreg.net/ctdl/terms/Delivery",
        "ceterms:targetNode": node,
        "ceterms:frameworkName": _text("Delivery Type"),
        "ceterms:targetNodeName": _text(label),
    }]
    doc["ceterms:occupationType"] = [{
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": "https://www.bls.gov/soc/",
        "ceterms:targetNode": f"https://www.onetonline.org/link/summary/{soc}",
        "ceterms:codedNotation": soc,
        "ceterms:frameworkName": _text("Standard Occupational Classification"),
    } for soc in program.target_occupations]
    if program.cip_code:
        doc["ceterms:instructionalProgramType"] = [{
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:framework": "https://nces.ed.gov/ipeds/cipcode/",
            "ceterms:codedNotation": program.cip_code,
            "ceterms:frameworkName": _text("Classification of Instructional Programs (CIP 2020)"),
        }]
    doc["ceterms:estimatedCost"] = [{
        "@type": "ceterms:CostProfile",
        "ceterms:name": _text("Tuition"),
        "ceterms:price": program.cost.tuition_usd,
        "ceterms:currency": "US Dollar",
        "ceterms:description": _text(_cost_text(program)),
        "ceterms:directCostType": {
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:framework": "https://credreg.net/ctdl/terms/CostType",
            "ceterms:targetNode": "costType:Tuition",
            "ceterms:frameworkName": _text("Cost Type"),
            "ceterms:targetNodeName": _text("Tuition"),
        },
    }]
    schedule = program.schedule
    doc["ceterms:estimatedDuration"] = [{
        "@type": "ceterms:DurationProfile",
        "ceterms:exactDuration": _iso_weeks(program.duration_weeks),
        "ceterms:description": _text(
            f"{program.duration_weeks:g} weeks, about {schedule.hours_per_week:g} hours a week "
            f"({', '.join(t.value for t in schedule.times)})" + ("; self-paced" if schedule.self_paced else "")
        ),
    }]
    place = _place(program)
    if place:
        doc["ceterms:availableAt"] = [place]
    conditions = _conditions(program)
    if conditions:
        doc["ceterms:requires"] = [{
            "@type": "ceterms:ConditionProfile",
            "ceterms:name": _text("Entry requirements"),
            "ceterms:condition": {LANG: conditions},
        }]
    if program.supports:
        doc["ceterms:hasSupportService"] = [
            {"@type": "ceterms:SupportService", "ceterms:name": _text(s.label)} for s in program.supports
        ]
    if program.cost.funding:
        doc["ceterms:financialAssistance"] = [
            {"@type": "ceterms:FinancialAssistanceProfile", "ceterms:name": _text(_FUNDING_NAMES[f.value])}
            for f in program.cost.funding
        ]
    return doc


_FUNDING_NAMES = {
    "free": "No cost to participants",
    "wioa_ita": "WIOA Individual Training Account",
    "wioa_ojt": "WIOA on-the-job training contract",
    "employer_paid": "Paid by employer",
    "pell": "Federal Pell Grant",
    "state_grant": "State grant",
    "gi_bill": "GI Bill",
    "scholarship": "Scholarship",
    "payment_plan": "Payment plan",
}


def _iso_weeks(weeks: float) -> str:
    """ISO 8601 duration: whole weeks as ``P16W``, fractional weeks in days (``P10D`` for 1.5 weeks)."""
    if float(weeks).is_integer():
        return f"P{int(weeks)}W"
    return f"P{round(weeks * 7)}D"


def _cost_text(program: Program) -> str:
    if program.cost.is_free:
        return "No tuition for participants."
    return f"Tuition ${program.cost.tuition_usd:,.2f}."


def _place(program: Program) -> dict[str, Any] | None:
    loc = program.location
    if loc.delivery is Delivery.ONLINE and loc.zip is None and loc.latitude is None:
        return None
    place: dict[str, Any] = {"@type": "ceterms:Place"}
    if loc.address:
        place["ceterms:streetAddress"] = _text(loc.address)
    if loc.zip:
        place["ceterms:postalCode"] = loc.zip
    if loc.state:
        place["ceterms:addressRegion"] = _text(loc.state)
    if loc.latitude is not None and loc.longitude is not None:
        place["ceterms:latitude"] = loc.latitude
        place["ceterms:longitude"] = loc.longitude
    return place


def _conditions(program: Program) -> list[str]:
    pre = program.prerequisites
    out: list[str] = []
    if pre.min_education.rank > 0:
        out.append(f"Education: {pre.min_education.label}")
    if pre.min_age is not None:
        out.append(f"Minimum age {pre.min_age}")
    if pre.max_age is not None:
        out.append(f"Maximum age {pre.max_age}")
    if pre.must_be_employed:
        out.append("Currently employed")
    if pre.drivers_license:
        out.append("Valid driver's license")
    if pre.background_check:
        out.append("Background check")
    if pre.drug_test:
        out.append("Drug test")
    if pre.work_authorization:
        out.append("Authorized to work in the US")
    if pre.min_reading_grade is not None:
        out.append(f"Reading at grade {pre.min_reading_grade} or above")
    if pre.min_math_grade is not None:
        out.append(f"Math at grade {pre.min_math_grade} or above")
    if pre.physical_demand is not None:
        out.append(f"Physical demand: {pre.physical_demand.value}")
    return out
