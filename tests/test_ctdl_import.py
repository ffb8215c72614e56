"""CTDL JSON-LD in (Credential Engine's ingest examples, plain and @graph forms) and the export/import round trip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from matcher.catalog import load_catalog
from matcher.ctdl import catalog_to_ctdl, iso_duration_weeks, read_ctdl, to_ctdl
from matcher.errors import ImportRowsError, InputFileError
from matcher.paths import data_dir
from matcher.records import Delivery, FieldStatus, parse_program

EXAMPLES = Path(__file__).parent / "data" / "sources" / "ctdl_examples"


def test_the_ingest_examples_import_with_organisations_resolved_across_files():
    found = read_ctdl(EXAMPLES, skip_invalid=True)
    report = found.report
    by_name = {p.name: p for p in found.programs}
    assert set(by_name) == {"Personal Growth Mastery", "Lifelong Learning Accelerator", "Cybersecurity Program"}
    program = by_name["Lifelong Learning Accelerator"]
    assert program.id == "ce-23b0e606-545c-4383-8630-f97ec3b190fa"  # the CTID
    assert program.provider == "Example University"  # ceterms:offeredBy -> Organization-1.json
    assert program.provider_type.value == "private_nonprofit"  # agentSector:PrivateNonProfit
    assert program.location.delivery is Delivery.HYBRID  # deliveryType:BlendedDelivery
    assert program.duration_weeks == 39  # exactDuration P9M
    assert program.cost.tuition_usd == 4485  # the AggregateCost
    assert program.prerequisites.min_age == 18 and program.prerequisites.min_education.value == "hs_diploma_or_ged"
    # no place of its own: the provider's address, marked derived
    assert program.location.zip == "68005" and program.location.state == "NE"
    assert program.field_status("location.zip") is FieldStatus.DERIVED
    course = by_name["Personal Growth Mastery"]
    assert course.target_occupations == ["15-1251.00"]  # 15-1131.00 (SOC 2010) dropped, 15-1251.00 kept
    assert course.location.delivery is Delivery.ONLINE and course.cost.tuition_usd == 995
    # two courses only name occupations no O*NET title matches uniquely: rejected, with the reason
    assert report.rejected_rows and all(p.field == "ceterms:occupationType" for p in report.rejected)


def test_the_plain_and_graph_forms_of_one_record_are_read_once():
    found = read_ctdl(EXAMPLES, skip_invalid=True)
    assert [p.id for p in found.programs].count("ce-23b0e606-545c-4383-8630-f97ec3b190fa") == 1
    once = [w for w in found.report.warnings if "read once" in w.message]
    assert len(once) == 4  # the program and its three courses, each in a plain file and the @graph file


def test_the_graph_file_alone_reads_the_program_and_its_courses(tmp_path):
    found = read_ctdl(EXAMPLES / "LearningProgram-1-graph.json", skip_invalid=True)
    assert found.report.rows_read == 4  # one LearningProgram and three Courses in the @graph
    # Organization-1 is not in this file: every record names an organisation it cannot find
    assert found.report.valid == 0
    for row in found.report.rejected_rows:
        assert "ceterms:offeredBy" in {p.field for p in found.report.rejected if p.row == row}


def test_unsupported_properties_are_listed_with_how_many_records_carry_them():
    found = read_ctdl(EXAMPLES, skip_invalid=True)
    unsupported = found.report.unsupported
    for prop in ("ceterms:lifeCycleStatusType", "ceterms:audienceLevelType", "ceterms:hasPart",
                 "ceterms:deliveryTypeDescription", "ceterms:isNonCredit"):
        assert unsupported[prop] >= 1, prop
    assert unsupported["@type ceterms:BachelorDegree (not a program)"] == 2
    assert "Properties not understood (not imported)" in "\n".join(found.report.lines())


def test_all_or_nothing_without_skip_invalid():
    with pytest.raises(ImportRowsError, match="CTDL records .* invalid; nothing was imported"):
        read_ctdl(EXAMPLES)


def test_not_json_ld_or_no_programs_is_a_file_error(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"@context": "https://credreg.net/ctdl/schema/context/json",
                                                 "@type": "ceterms:Organization", "ceterms:name": {"en-US": "A"}}))
    with pytest.raises(InputFileError, match="no ceterms:LearningProgram or ceterms:Course"):
        read_ctdl(tmp_path / "x.json")
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(InputFileError, match="expected JSON-LD objects"):
        read_ctdl(tmp_path / "bad.json")


@pytest.mark.parametrize("text, weeks", [("P16W", 16), ("P9M", 39), ("P1Y", 52), ("P10D", 1.43), ("P1Y6M", 78),
                                         ("PT40H", None), ("3 months", None)])
def test_iso_durations(text, weeks):
    assert iso_duration_weeks(text) == weeks


def test_export_then_import_gives_back_what_ctdl_carries(tmp_path, full_program_data):
    data = dict(full_program_data)
    # not carried by CTDL: background-check exclusions and entry skills (CTDL needs competency frameworks)
    data["prerequisites"] = dict(data["prerequisites"], background_exclusions=[], skills=[])
    data["location"] = dict(data["location"], city="Portland")
    original = parse_program(data)
    path = tmp_path / "catalog.jsonld"
    path.write_text(json.dumps(catalog_to_ctdl([original])), encoding="utf-8")
    back = read_ctdl(path).programs[0]
    for field in ("id", "name", "provider", "description", "url", "languages", "target_occupations", "cip_code",
                  "duration_weeks", "supports", "sector"):
        assert getattr(back, field) == getattr(original, field), field
    assert back.cost == original.cost
    assert back.schedule == original.schedule
    assert back.prerequisites == original.prerequisites
    loc, want = back.location, original.location
    assert (loc.delivery, loc.zip, loc.latitude, loc.longitude, loc.state, loc.city, loc.address) == \
           (want.delivery, want.zip, want.latitude, want.longitude, want.state, want.city, want.address)
    # what CTDL cannot carry is said, not invented
    assert back.field_status("type") is FieldStatus.ASSUMED


def test_the_sample_catalog_round_trips_through_ctdl(tmp_path):
    catalog = load_catalog(data_dir() / "sample_catalog.json")
    path = tmp_path / "sample.jsonld"
    path.write_text(json.dumps(catalog_to_ctdl(catalog)), encoding="utf-8")
    back = {p.id: p for p in read_ctdl(path).programs}
    assert set(back) == set(catalog.ids)
    for program in catalog:
        got = back[program.id]
        assert (got.name, got.provider, got.target_occupations, got.cost.tuition_usd, got.schedule.times,
                got.location.zip, got.prerequisites.min_age) == \
               (program.name, program.provider, program.target_occupations, program.cost.tuition_usd,
                program.schedule.times, program.location.zip, program.prerequisites.min_age)


def test_an_unknown_cost_and_length_are_left_out_not_written_as_zero(make_program):
    program = make_program(cost={"tuition_reported": False}, duration_weeks=None)
    doc = to_ctdl(program)
    assert "ceterms:estimatedCost" not in doc
    assert "ceterms:exactDuration" not in doc["ceterms:estimatedDuration"][0]


def test_a_folder_with_the_organisation_and_one_course(tmp_path):
    for name in ("Course-1a.json", "Organization-1.json"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    found = read_ctdl(tmp_path)
    assert [p.name for p in found.programs] == ["Personal Growth Mastery"]
    assert found.programs[0].sources[0].file == "Course-1a.json"
