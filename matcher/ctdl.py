"""Programs in and out as Credential Transparency Description Language (CTDL) JSON-LD.

Export: :func:`to_ctdl` gives one ``ceterms:LearningProgram`` document per
program; :func:`catalog_to_ctdl` a whole catalog as one ``@graph`` document
(``matcher programs export --format ctdl``). The shapes follow the Credential
Engine ingest examples (language maps ``{"en-US": ...}``,
``CredentialAlignmentObject`` for delivery, schedule and occupations,
``CostProfile``, ``DurationProfile``, ``ConditionProfile``, ``Place``).
``docs/interop.md`` lists each term, where its shape was checked, and what is
*not* carried.

Import: :func:`read_ctdl` reads ``ceterms:LearningProgram``, ``ceterms:Course``
and ``ceterms:LearningOpportunityProfile`` nodes from a JSON-LD file (one
object, a list, or the ``@graph`` form) or a folder of them, resolving the
organisations they point to when those are in the same files. Each record
goes through the same validation as every catalog import, and the report
lists every CTDL property that was not understood, with how many records
carried it: nothing is dropped silently. Export then import gives back every
field CTDL carries (tested); program type, skills, outcomes, seats, paid
training and background-check exclusions are not carried.

The document is a starting point for publishing to the Credential Registry,
not a registry-ready envelope: the provider, support services and financial
assistance are embedded as blank nodes where the registry expects references
to published resources.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import FieldProblem, InputFileError, shown_value
from .input_files import DEFAULT_MAX_BYTES, parse_json, read_text
from .records import (
    SUPPORT_LABELS,
    Delivery,
    EducationLevel,
    FieldSource,
    FieldStatus,
    PhysicalDemand,
    Program,
    SourceRef,
    TimeOfDay,
)

CONTEXT = "https://credreg.net/ctdl/schema/context/json"
LANG = "en-US"
SOURCE_NAME = "ctdl"
PROGRAM_TYPES = ("ceterms:LearningProgram", "ceterms:Course", "ceterms:LearningOpportunityProfile")
ORGANIZATION_TYPES = ("ceterms:Organization", "ceterms:CredentialOrganization", "ceterms:QACredentialOrganization")
MATCHER_ID = "matcher program id"  # identifierTypeName of the identifier that carries our program id

# A fixed namespace so the same program id always gets the same CTID.
_CTID_NAMESPACE = uuid.UUID("6f1c1b44-2d55-4f43-9d0a-6a0c3e5f8a10")

_DELIVERY = {
    Delivery.IN_PERSON: ("deliveryType:InPerson", "In Person Only"),
    Delivery.ONLINE: ("deliveryType:OnlineDelivery", "Online Only"),
    Delivery.HYBRID: ("deliveryType:BlendedDelivery", "Blended Delivery"),
}
_DELIVERY_IN = {"deliverytype:inperson": Delivery.IN_PERSON, "deliverytype:onlineonly": Delivery.ONLINE,
                "deliverytype:onlinedelivery": Delivery.ONLINE, "deliverytype:blendeddelivery": Delivery.HYBRID}
_TIMING = {TimeOfDay.DAY: ("scheduleTiming:Daytime", "Daytime"),
           TimeOfDay.EVENING: ("scheduleTiming:Evening", "Evening"),
           TimeOfDay.WEEKEND: ("scheduleTiming:Weekends", "Weekends")}
_TIMING_IN = {"scheduletiming:daytime": TimeOfDay.DAY, "scheduletiming:weekdays": TimeOfDay.DAY,
              "scheduletiming:evening": TimeOfDay.EVENING, "scheduletiming:weekends": TimeOfDay.WEEKEND}
_SECTOR_TYPES = {"agentsector:privatenonprofit": "private_nonprofit", "agentsector:privateforprofit":
                 "private_for_profit", "agentsector:public": "public_agency"}


FUNDING_NAMES = {
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


def _text(value: str) -> dict[str, str]:
    return {LANG: value}


def _cao(framework: str, node: str, framework_name: str, node_name: str) -> dict[str, Any]:
    return {"@type": "ceterms:CredentialAlignmentObject", "ceterms:framework": framework,
            "ceterms:targetNode": node, "ceterms:frameworkName": _text(framework_name),
            "ceterms:targetNodeName": _text(node_name)}


def ctid_for(program_id: str) -> str:
    """A stable CTID (``ce-<uuid>``) derived from the program id."""
    return f"ce-{uuid.uuid5(_CTID_NAMESPACE, program_id)}"


# --------------------------------------------------------------------------- export


def to_ctdl(program: Program) -> dict[str, Any]:
    """The program as a ``ceterms:LearningProgram`` JSON-LD document (a plain dict)."""
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ceterms:LearningProgram",
        "ceterms:ctid": ctid_for(program.id),
        "ceterms:name": _text(program.name),
        "ceterms:identifier": [{
            "@type": "ceterms:IdentifierValue",
            "ceterms:identifierTypeName": _text(MATCHER_ID),
            "ceterms:identifierValueCode": program.id,
        }],
    }
    if program.description:
        doc["ceterms:description"] = _text(program.description)
    if program.url:
        doc["ceterms:subjectWebpage"] = program.url
    doc["ceterms:offeredBy"] = [{"@type": "ceterms:Organization", "ceterms:name": _text(program.provider)}]
    doc["ceterms:inLanguage"] = list(program.languages)

    node, label = _DELIVERY[program.location.delivery]
    doc["ceterms:deliveryType"] = [_cao("https://credreg.net/ctdl/terms/Delivery", node, "Delivery Type", label)]
    doc["ceterms:scheduleTimingType"] = [
        _cao("https://credreg.net/ctdl/terms/ScheduleTiming", _TIMING[t][0], "Schedule Timing", _TIMING[t][1])
        for t in TimeOfDay if t in program.schedule.times]
    if program.schedule.self_paced:
        doc["ceterms:learningMethodType"] = [_cao("https://credreg.net/ctdl/terms/LearningMethod",
                                                  "learnMethod:SelfPaced", "Learning Method", "Self-Paced")]
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
    if program.cost.tuition_reported:  # an unknown cost is left out, never written as 0
        doc["ceterms:estimatedCost"] = [{
            "@type": "ceterms:CostProfile",
            "ceterms:name": _text("Tuition"),
            "ceterms:price": program.cost.tuition_usd,
            "ceterms:currency": "US Dollar",
            "ceterms:description": _text(_cost_text(program)),
            "ceterms:directCostType": _cao("https://credreg.net/ctdl/terms/CostType", "costType:Tuition",
                                           "Cost Type", "Tuition"),
        }]
    duration: dict[str, Any] = {"@type": "ceterms:DurationProfile",
                                "ceterms:description": _text(_duration_text(program))}
    if program.duration_weeks is not None:
        duration["ceterms:exactDuration"] = _iso_weeks(program.duration_weeks)
    doc["ceterms:estimatedDuration"] = [duration]
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
            {"@type": "ceterms:FinancialAssistanceProfile", "ceterms:name": _text(FUNDING_NAMES[f.value])}
            for f in program.cost.funding
        ]
    return doc


def catalog_to_ctdl(programs: Iterable[Program]) -> dict[str, Any]:
    """A whole catalog as one JSON-LD document in the ``@graph`` form (each node without its own context)."""
    graph = []
    for program in programs:
        node = to_ctdl(program)
        node.pop("@context")
        graph.append(node)
    return {"@context": CONTEXT, "@graph": graph}


def _iso_weeks(weeks: float) -> str:
    """ISO 8601 duration: whole weeks as ``P16W``, fractional weeks in days (``P10D`` for 1.5 weeks)."""
    if float(weeks).is_integer():
        return f"P{int(weeks)}W"
    return f"P{round(weeks * 7)}D"


def _cost_text(program: Program) -> str:
    if program.cost.is_free:
        return "No tuition for participants."
    return f"Tuition ${program.cost.tuition_usd:,.2f}."


def _duration_text(program: Program) -> str:
    schedule = program.schedule
    length = f"{program.duration_weeks:g} weeks, " if program.duration_weeks is not None else ""
    return (f"{length}about {schedule.hours_per_week:g} hours a week "
            f"({', '.join(t.value for t in schedule.times)})" + ("; self-paced" if schedule.self_paced else ""))


def _place(program: Program) -> dict[str, Any] | None:
    loc = program.location
    if loc.delivery is Delivery.ONLINE and loc.zip is None and loc.latitude is None:
        return None
    place: dict[str, Any] = {"@type": "ceterms:Place"}
    if loc.address:
        place["ceterms:streetAddress"] = _text(loc.address)
    if loc.city:
        place["ceterms:addressLocality"] = _text(loc.city)
    if loc.zip:
        place["ceterms:postalCode"] = loc.zip
    if loc.state:
        place["ceterms:addressRegion"] = _text(loc.state)
    if loc.latitude is not None and loc.longitude is not None:
        place["ceterms:latitude"] = loc.latitude
        place["ceterms:longitude"] = loc.longitude
    return place


def _conditions(program: Program) -> list[str]:
    """Entry requirements as the plain sentences CTDL's ConditionProfile carries (read back by the importer)."""
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


# --------------------------------------------------------------------------- import

# Properties the importer reads; any other property of a program node is listed in the report.
HANDLED = frozenset({
    "@context", "@id", "@type", "ceterms:ctid", "ceterms:name", "ceterms:description", "ceterms:identifier",
    "ceterms:subjectWebpage", "ceterms:offeredBy", "ceterms:ownedBy", "ceterms:inLanguage", "ceterms:deliveryType",
    "ceterms:scheduleTimingType", "ceterms:learningMethodType", "ceterms:occupationType",
    "ceterms:instructionalProgramType", "ceterms:estimatedCost", "ceterms:estimatedDuration",
    "ceterms:availableAt", "ceterms:availableOnlineAt", "ceterms:requires", "ceterms:entryCondition",
    "ceterms:hasSupportService", "ceterms:financialAssistance", "ceterms:registeredBy",
})


def read_ctdl(
    path: str | Path,
    *,
    skip_invalid: bool = False,
    existing: Iterable[Program] = (),
    merge_duplicates: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    context: Any = None,
) -> Any:
    """Read CTDL JSON-LD (a file, or a folder of ``*.json``) into programs, with an import report.

    Returns a :class:`matcher.sources.SourceImport`; raises like the other
    importers (``InputFileError`` for an unreadable file, ``ImportRowsError``
    for invalid records unless ``skip_invalid``).
    """
    from .catalog import _validate, place_problems
    from .sources.convert import Context
    from .sources.importer import finish_import
    from .sources.report import ImportReport

    p = Path(path)
    files = sorted(p.glob("*.json")) if p.is_dir() else [p]
    if not files:
        raise InputFileError(f"no .json files in {p}", field="file")
    nodes: list[tuple[str, dict[str, Any]]] = []
    for file in files:
        data = parse_json(read_text(file, max_bytes=max_bytes), name=file.name)
        nodes.extend((file.name, node) for node in _nodes(data, name=file.name))
    index: dict[str, dict[str, Any]] = {}
    for _, node in nodes:
        for key in (node.get("@id"), node.get("ceterms:ctid")):
            if isinstance(key, str):
                index[key] = node
    report = ImportReport(source=SOURCE_NAME, title="CTDL JSON-LD (Credential Engine)", file=p.name)
    reader = _Reader(index, report, context or Context())
    programs: list[Program] = []
    first_row_of: dict[str, int] = {}
    seen: dict[str, tuple[str, str]] = {}  # ctid -> (file, canonical JSON): the plain and @graph forms repeat records
    row = 0
    for file_name, node in nodes:
        kind = _types(node)
        if not any(t in PROGRAM_TYPES for t in kind):
            if not any(t in ORGANIZATION_TYPES for t in kind):
                report.unsupported["@type " + ("/".join(kind) or "(none)") + " (not a program)"] += 1
            continue
        ctid = node.get("ceterms:ctid")
        canonical = json.dumps({k: v for k, v in node.items() if k != "@context"}, sort_keys=True)
        if isinstance(ctid, str) and ctid in seen and seen[ctid][1] == canonical:
            report.warnings.append(FieldProblem(field="ceterms:ctid", value=ctid,
                                                message=f"the same record is also in {seen[ctid][0]}; read once"))
            continue
        if isinstance(ctid, str):
            seen.setdefault(ctid, (file_name, canonical))
        row += 1
        report.rows_read += 1
        record, problems = reader.record(node, row=row, file_name=file_name)
        if record is None:
            report.rejected.extend(problems)
            continue
        program, invalid = _validate(record, row=row, csv_fields=False)
        said = {"target_occupations", "sector"} if "target_occupations" not in record else set()
        if "provider" not in record:
            said.add("provider")
        problems.extend(FieldProblem(field=_property_for(pr.field), row=row, value=pr.value,
                                     message=f"{pr.field}: {pr.message}")
                        for pr in invalid if pr.field.split(".")[0] not in said)
        if program is not None and not problems:
            errors, warnings = place_problems(program, row=row, column_of=_property_for)
            problems.extend(errors)
            report.warnings.extend(warnings)
        if program is not None and not problems and program.id in first_row_of:
            first = first_row_of[program.id]
            problems.append(FieldProblem(field="ceterms:ctid", row=row, value=program.id,
                                         message=f"duplicate id {program.id!r} (first on record {first})"))
        if problems or program is None:
            report.rejected.extend(problems)
            continue
        first_row_of[program.id] = row
        programs.append(program)
    if report.rows_read == 0:
        raise InputFileError(f"{p.name} has no ceterms:LearningProgram or ceterms:Course records", field="file")
    return finish_import(programs, report, what=f"CTDL records in {p.name}", skip_invalid=skip_invalid,
                         existing=existing, merge_duplicates=merge_duplicates)


def looks_like_ctdl(text: str) -> bool:
    """True for JSON-LD that uses the CTDL context or ceterms types (so a catalog import can say so)."""
    head = text[:20_000]
    return "credreg.net/ctdl" in head or '"ceterms:' in head


def _nodes(data: Any, *, name: str) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item, name=name)
        return
    if not isinstance(data, dict):
        raise InputFileError(f"{name}: expected JSON-LD objects, found {type(data).__name__}", field="file")
    if "@graph" in data:
        graph = data["@graph"]
        if not isinstance(graph, list):
            raise InputFileError(f"{name}: @graph must be a list", field="@graph")
        for item in graph:
            if isinstance(item, dict):
                yield item
        return
    yield data


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type", [])
    return [kind] if isinstance(kind, str) else [k for k in kind if isinstance(k, str)]


_PROPERTY_OF = {
    "id": "ceterms:identifier", "name": "ceterms:name", "provider": "ceterms:offeredBy",
    "description": "ceterms:description", "url": "ceterms:subjectWebpage", "languages": "ceterms:inLanguage",
    "target_occupations": "ceterms:occupationType", "cip_code": "ceterms:instructionalProgramType",
    "cost": "ceterms:estimatedCost", "duration_weeks": "ceterms:estimatedDuration",
    "schedule": "ceterms:scheduleTimingType", "location": "ceterms:availableAt",
    "prerequisites": "ceterms:requires", "supports": "ceterms:hasSupportService",
}


def _property_for(path: str, message: str = "") -> str:
    if path == "location.delivery":
        return "ceterms:deliveryType"
    return _PROPERTY_OF.get(path.split(".")[0], path)


class _Reader:
    """One CTDL node -> the record dict ``parse_program`` takes, with provenance."""

    def __init__(self, index: dict[str, dict[str, Any]], report: Any, ctx: Any) -> None:
        self.index = index
        self.report = report
        self.ctx = ctx

    def record(self, node: dict[str, Any], *, row: int, file_name: str) -> tuple[dict[str, Any] | None,
                                                                                 list[FieldProblem]]:
        from .sources.convert import ConvertError, cip, onet, onet_title
        from .sources.convert import state as state_convert

        problems: list[FieldProblem] = []
        provenance: list[FieldSource] = []
        for key in node:
            if key not in HANDLED:
                self.report.unsupported[key] += 1
        ctid = node.get("ceterms:ctid") if isinstance(node.get("ceterms:ctid"), str) else None
        program_id = self._matcher_id(node) or ctid
        if not program_id:
            problems.append(FieldProblem(field="ceterms:ctid", row=row, message="the record has no ceterms:ctid"))
            return None, problems
        ref = SourceRef(name=SOURCE_NAME, record_id=(ctid or program_id)[:160], file=file_name, row=row)

        def note(field: str, status: FieldStatus, prop: str, text: str) -> None:
            provenance.append(FieldSource(field=field, status=status, source=ref.key, column=prop, note=text[:500]))

        def warn(prop: str, message: str, value: Any = None) -> None:
            self.report.warnings.append(FieldProblem(field=prop, row=row, message=message,
                                                     value=shown_value(value) if value is not None else None))

        record: dict[str, Any] = {"id": program_id, "schedule": {}, "location": {}, "cost": {}, "prerequisites": {}}
        record["name"] = _lang(node.get("ceterms:name"))
        description = _lang(node.get("ceterms:description"))
        if description:
            record["description"] = description[:4000]
        if isinstance(node.get("ceterms:subjectWebpage"), str):
            record["url"] = node["ceterms:subjectWebpage"]

        org = self._organization(node)
        if org is None:
            refs = node.get("ceterms:offeredBy") or node.get("ceterms:ownedBy")
            problems.append(FieldProblem(
                field="ceterms:offeredBy", row=row, value=shown_value(json.dumps(refs)) if refs else None,
                message="no provider: ceterms:offeredBy/ownedBy name no organization in these files "
                        "(import the folder with the organization's JSON-LD, or embed it)"))
        else:
            record["provider"] = _lang(org.get("ceterms:name"))[:200] or None
            sector = [_node_code(a) for a in _list(org.get("ceterms:agentSectorType"))]
            for sector_code in sector:
                if sector_code in _SECTOR_TYPES:
                    record["provider_type"] = _SECTOR_TYPES[sector_code]
                    break

        languages = [str(x).strip()[:2].lower() for x in _list(node.get("ceterms:inLanguage")) if isinstance(x, str)]
        if languages:
            record["languages"] = list(dict.fromkeys(languages))
        else:
            note("languages", FieldStatus.ASSUMED, "ceterms:inLanguage", "no ceterms:inLanguage; English assumed")

        # delivery
        deliveries = {_DELIVERY_IN.get(_node_code(d)) for d in _list(node.get("ceterms:deliveryType"))} - {None}
        if Delivery.HYBRID in deliveries or {Delivery.IN_PERSON, Delivery.ONLINE} <= deliveries:
            record["location"]["delivery"] = Delivery.HYBRID.value
        elif deliveries:
            record["location"]["delivery"] = next(iter(deliveries)).value  # type: ignore[union-attr]
        elif node.get("ceterms:availableOnlineAt") and not node.get("ceterms:availableAt"):
            record["location"]["delivery"] = Delivery.ONLINE.value
            note("location.delivery", FieldStatus.DERIVED, "ceterms:availableOnlineAt",
                 "only an online address is given")

        # place: availableAt, else the provider's address
        places = [x for x in _list(node.get("ceterms:availableAt")) if isinstance(x, dict)]
        prop = "ceterms:availableAt"
        if not places and org is not None:
            places = [x for x in _list(org.get("ceterms:address")) if isinstance(x, dict)]
            prop = "ceterms:offeredBy/ceterms:address"
            if places:
                note("location.zip", FieldStatus.DERIVED, prop, "from the provider's address")
        if places:
            place = places[0]
            zip5 = place.get("ceterms:postalCode")
            if isinstance(zip5, str) and zip5.strip():
                record["location"]["zip"] = zip5.strip()[:5] if re.fullmatch(r"\s*\d{5}(-\d{4})?\s*", zip5) else zip5
            lat, lon = place.get("ceterms:latitude"), place.get("ceterms:longitude")
            if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
                record["location"]["latitude"], record["location"]["longitude"] = float(lat), float(lon)
            street = _lang(place.get("ceterms:streetAddress"))
            if street:
                record["location"]["address"] = street
            city = _lang(place.get("ceterms:addressLocality"))
            if city:
                record["location"]["city"] = city[:200]
            region = _lang(place.get("ceterms:addressRegion"))
            if region:
                try:
                    record["location"]["state"] = state_convert(region, None, self.ctx).value  # type: ignore[arg-type]
                except ConvertError as exc:
                    warn(prop, f"addressRegion: {exc}", region)

        # occupations and CIP
        occupations: list[str] = []
        derived_notes: list[str] = []
        for item in _list(node.get("ceterms:occupationType")):
            if not isinstance(item, dict):
                continue
            code = item.get("ceterms:codedNotation") or _code_in_url(item.get("ceterms:targetNode"))
            name = _lang(item.get("ceterms:targetNodeName"))
            converted = None
            if isinstance(code, str) and code.strip():
                try:
                    converted = onet(code, None, self.ctx)  # type: ignore[arg-type]
                except ConvertError as exc:
                    warn("ceterms:occupationType", str(exc), code)
            if (converted is None or converted.value is None) and name:
                converted = onet_title(name, None, self.ctx)  # type: ignore[arg-type]
            if converted is not None and converted.warning:
                warn("ceterms:occupationType", converted.warning, code or name)
            if converted is not None and converted.value:
                occupations.append(converted.value)
                if converted.note:
                    derived_notes.append(converted.note)
        cips = [i.get("ceterms:codedNotation") for i in _list(node.get("ceterms:instructionalProgramType"))
                if isinstance(i, dict)]
        for cip_text in cips:
            if isinstance(cip_text, str):
                try:
                    record["cip_code"] = cip(cip_text, None, self.ctx).value  # type: ignore[arg-type]
                    break
                except ConvertError as exc:
                    warn("ceterms:instructionalProgramType", str(exc), cip_text)
        if occupations:
            record["target_occupations"] = list(dict.fromkeys(occupations))
            if derived_notes:
                note("target_occupations", FieldStatus.DERIVED, "ceterms:occupationType", "; ".join(derived_notes))
        elif record.get("cip_code"):
            found = self.ctx.taxonomy.occupations_for_cip(record["cip_code"])
            if found:
                record["target_occupations"] = found
                note("target_occupations", FieldStatus.DERIVED, "ceterms:instructionalProgramType",
                     f"from CIP {record['cip_code']} through the CIP-SOC crosswalk")
        if "target_occupations" not in record:
            problems.append(FieldProblem(field="ceterms:occupationType", row=row,
                                         message="no occupation this matcher knows: give O*NET-SOC codes in "
                                                 "ceterms:occupationType (codedNotation), or a CIP code"))
        if record.get("target_occupations"):
            from .sources.derive import sector_for_occupation

            record["sector"] = sector_for_occupation(record["target_occupations"][0]).value
            note("sector", FieldStatus.DERIVED, "ceterms:occupationType", "from the first occupation")

        # type
        record["type"], how = self._program_type(node, record)
        note("type", FieldStatus.DERIVED if how else FieldStatus.ASSUMED, "@type",
             how or "CTDL has no term for the kind of program; occupational skills training assumed")

        # schedule
        times = [_TIMING_IN[c].value for c in (_node_code(t) for t in _list(node.get("ceterms:scheduleTimingType")))
                 if c in _TIMING_IN]
        if times:
            record["schedule"]["times"] = list(dict.fromkeys(times))
        else:
            record["schedule"]["times"] = [t.value for t in TimeOfDay]
            note("schedule.times", FieldStatus.ASSUMED, "ceterms:scheduleTimingType",
                 "no schedule timing given; no time is ruled out")
        methods = {_node_code(m) for m in _list(node.get("ceterms:learningMethodType"))}
        if "learnmethod:selfpaced" in methods:
            record["schedule"]["self_paced"] = True
        duration_text = " ".join(_lang(d.get("ceterms:description")) for d in
                                 _list(node.get("ceterms:estimatedDuration")) if isinstance(d, dict))
        hours = re.search(r"(\d+(?:\.\d+)?)\s*(?:hours|hrs)\s*(?:a|per)\s*week", duration_text, re.IGNORECASE)
        if hours and 0 < float(hours.group(1)) <= 80:
            record["schedule"]["hours_per_week"] = float(hours.group(1))
            note("schedule.hours_per_week", FieldStatus.DERIVED, "ceterms:estimatedDuration",
                 "read from the duration's description")
        else:
            record["schedule"]["hours_per_week"] = 20.0
            note("schedule.hours_per_week", FieldStatus.ASSUMED, "ceterms:estimatedDuration",
                 "CTDL has no weekly-hours term; 20 is a placeholder")
        weeks = self._weeks(node, warn)
        if weeks is not None:
            record["duration_weeks"] = weeks

        # cost
        price = self._price(node, warn)
        if price is None:
            record["cost"]["tuition_reported"] = False
            note("cost.tuition_usd", FieldStatus.NOT_REPORTED, "ceterms:estimatedCost", "no estimated cost in USD")
        else:
            record["cost"]["tuition_usd"] = price
        funding = []
        by_name = {v.casefold(): k for k, v in FUNDING_NAMES.items()}
        for item in _list(node.get("ceterms:financialAssistance")):
            name = _lang(item.get("ceterms:name")) if isinstance(item, dict) else ""
            if name.casefold() in by_name:
                funding.append(by_name[name.casefold()])
            elif name:
                self.report.unsupported[f"ceterms:financialAssistance {name!r}"] += 1
        if funding:
            record["cost"]["funding"] = funding
        supports = []
        by_label = {label.casefold(): s.value for s, label in SUPPORT_LABELS.items()}
        for item in _list(node.get("ceterms:hasSupportService")):
            name = _lang(item.get("ceterms:name")) if isinstance(item, dict) else ""
            if name.casefold() in by_label:
                supports.append(by_label[name.casefold()])
            else:
                self.report.unsupported["ceterms:hasSupportService (a reference or unknown service)"] += 1
        if supports:
            record["supports"] = supports

        # entry requirements
        record["prerequisites"] = self._requirements(node, note)
        record["sources"] = [ref]
        record["provenance"] = provenance
        return record, problems

    # ------------------------------------------------------------------ parts

    @staticmethod
    def _matcher_id(node: dict[str, Any]) -> str | None:
        for item in _list(node.get("ceterms:identifier")):
            if isinstance(item, dict) and _lang(item.get("ceterms:identifierTypeName")).casefold() == MATCHER_ID:
                value = item.get("ceterms:identifierValueCode")
                if isinstance(value, str) and value.strip():
                    return value.strip()
        return None

    def _organization(self, node: dict[str, Any]) -> dict[str, Any] | None:
        for key in ("ceterms:offeredBy", "ceterms:ownedBy"):
            for item in _list(node.get(key)):
                if isinstance(item, dict) and _lang(item.get("ceterms:name")):
                    return item
                if isinstance(item, str) and item in self.index:
                    return self.index[item]
                if isinstance(item, dict) and isinstance(item.get("@id"), str) and item["@id"] in self.index:
                    return self.index[item["@id"]]
        return None

    @staticmethod
    def _program_type(node: dict[str, Any], record: dict[str, Any]) -> tuple[str, str]:
        text = f"{record.get('name', '')} {record.get('description', '')}"
        if re.search(r"pre[- ]?apprentic", text, re.IGNORECASE):
            return "pre_apprenticeship", "the name or description says pre-apprenticeship"
        if node.get("ceterms:registeredBy"):
            return "registered_apprenticeship", "ceterms:registeredBy names a registration agency"
        return "occupational_skills", ""

    @staticmethod
    def _weeks(node: dict[str, Any], warn: Any) -> float | None:
        for item in _list(node.get("ceterms:estimatedDuration")):
            if not isinstance(item, dict):
                continue
            for key in ("ceterms:exactDuration", "ceterms:maximumDuration", "ceterms:minimumDuration"):
                value = item.get(key)
                if isinstance(value, str):
                    weeks = iso_duration_weeks(value)
                    if weeks is None:
                        warn("ceterms:estimatedDuration", f"{key} is not an ISO 8601 duration in days, weeks, "
                                                          f"months or years", value)
                    elif 0 < weeks <= 260:
                        return weeks
        return None

    @staticmethod
    def _price(node: dict[str, Any], warn: Any) -> float | None:
        costs = [c for c in _list(node.get("ceterms:estimatedCost")) if isinstance(c, dict)]
        usd = []
        for cost in costs:
            currency = str(cost.get("ceterms:currency", "US Dollar")).strip().casefold()
            price = cost.get("ceterms:price")
            if not isinstance(price, (int, float)) or isinstance(price, bool) or not 0 <= price <= 1_000_000:
                warn("ceterms:estimatedCost", "price is not a number between 0 and 1,000,000", price)
                continue
            if currency not in ("us dollar", "usd", "us dollars"):
                warn("ceterms:estimatedCost", "currency is not US dollars; cost not read", currency)
                continue
            usd.append((cost, float(price)))
        for cost, price in usd:  # a stated total wins over its parts
            if _node_code(cost.get("ceterms:directCostType")) == "costtype:aggregatecost":
                return price
        return round(sum(p for _, p in usd), 2) if usd else None

    @staticmethod
    def _requirements(node: dict[str, Any], note: Any) -> dict[str, Any]:
        """Entry requirements from the condition texts (the sentences :func:`to_ctdl` writes, and plain text)."""
        texts: list[str] = []
        for key in ("ceterms:requires", "ceterms:entryCondition"):
            for profile in _list(node.get(key)):
                if not isinstance(profile, dict):
                    continue
                condition = profile.get("ceterms:condition")
                if isinstance(condition, dict):
                    for value in condition.values():
                        texts.extend(str(v) for v in _list(value))
                elif condition is not None:
                    texts.extend(str(v) for v in _list(condition))
                texts.append(_lang(profile.get("ceterms:description")))
        text = "\n".join(t for t in texts if t)
        out: dict[str, Any] = {}
        if not text:
            return out
        education = {level.label.casefold(): level for level in EducationLevel}
        found = re.search(r"Education: (.+)", text)
        if found and found.group(1).strip().casefold() in education:
            out["min_education"] = education[found.group(1).strip().casefold()].value
        elif re.search(r"high school|\bged\b|secondary school", text, re.IGNORECASE):
            out["min_education"] = EducationLevel.HS_DIPLOMA_OR_GED.value
            note("prerequisites.min_education", FieldStatus.DERIVED, "ceterms:requires",
                 "the entry conditions mention high school")
        patterns = {"min_age": r"(?:Minimum age|age) (\d{2})\b", "max_age": r"Maximum age (\d{2})\b",
                    "min_reading_grade": r"Reading at grade (\d{1,2})", "min_math_grade": r"Math at grade (\d{1,2})"}
        for field, pattern in patterns.items():
            match = re.search(pattern, text, re.IGNORECASE if field == "min_age" else 0)
            if match:
                out[field] = int(match.group(1))
        flags = {"must_be_employed": "Currently employed", "drivers_license": "Valid driver's license",
                 "background_check": "Background check", "drug_test": "Drug test",
                 "work_authorization": "Authorized to work in the US"}
        for field, sentence in flags.items():
            if re.search(rf"^{re.escape(sentence)}$", text, re.MULTILINE):
                out[field] = True
        demand = re.search(r"Physical demand: (\w+)", text)
        if demand and demand.group(1) in {d.value for d in PhysicalDemand}:
            out["physical_demand"] = demand.group(1)
        return out


_ISO_RE = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$")


def iso_duration_weeks(text: str) -> float | None:
    """Weeks in an ISO 8601 date duration (``P16W``, ``P9M``, ``P1Y6M``, ``P10D``); None for anything else."""
    match = _ISO_RE.match(text.strip().upper())
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (float(g) if g else 0.0 for g in match.groups())
    total = years * 52 + months * 52 / 12 + weeks + days / 7
    return round(total, 2) if total > 0 else None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _lang(value: Any) -> str:
    """Text of a CTDL language map (en-US, then en, then any), or a plain string."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for key in (LANG, "en", "en-us"):
            if key in value:
                return _first_text(value[key])
        for item in value.values():
            text = _first_text(item)
            if text:
                return text
    if isinstance(value, list):
        return _first_text(value)
    return ""


def _first_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(str(v).strip() for v in value if isinstance(v, str))
    return ""


def _node_code(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("ceterms:targetNode", "")).strip().casefold()
    return str(item).strip().casefold() if isinstance(item, str) else ""


def _code_in_url(url: Any) -> str | None:
    if isinstance(url, str):
        found = re.search(r"(\d{2}-\d{4}(?:\.\d{2})?)", url)
        if found:
            return found.group(1)
    return None
