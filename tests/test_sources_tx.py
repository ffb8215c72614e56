"""The Texas statewide ETPL (6,245 programs) through the shipped tx-etpl mapping, checked against the file itself.

Counts that can be worked out from the CSV independently of the importer are
worked out here with the csv module and compared; the rest are pinned (a
change in them is a change in what a board sees, and must be looked at).
"""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from matcher.engine import Recommender
from matcher.errors import ImportRowsError
from matcher.records import CredentialType, Delivery, FieldStatus, ProgramType
from matcher.sources import import_file

TX = "tx_twc_etpl_statewide_2024-03-20.csv"
MARKERS = ("ERROR", "INVALID CODE")


@pytest.fixture(scope="module")
def tx_rows(source_file):
    with source_file(TX).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def tx(source_file):
    return import_file(source_file(TX), "tx-etpl", skip_invalid=True)


@pytest.fixture(scope="module")
def tx_by_id(tx):
    return {p.id: p for p in tx.programs}


def test_every_row_is_read_and_all_but_the_unplaceable_occupations_are_imported(tx, tx_rows):
    report = tx.report
    assert report.rows_read == len(tx_rows) == 6245
    assert report.valid == 6228
    # The 17 rejected rows have no occupation the matcher knows: every code is an older SOC 2010 code
    # (or junk) and their CIP has no occupation in the crosswalk.
    assert report.rejected_rows == (1129, 1130, 1133, 1135, 1213, 1307, 2730, 2775, 4119, 4120, 4413, 5117, 5725,
                                    5959, 5960, 5966, 6037)
    assert {p.message.split(":")[0] for p in report.rejected} == {"target_occupations is needed and has no value"}
    assert not report.unrecognised_columns and not report.missing_columns


def test_the_import_is_all_or_nothing_without_skip_invalid(source_file, tmp_path):
    # The first 1,200 rows hold 4 of the 17 unplaceable ones (1129, 1130, 1133, 1135).
    with source_file(TX).open(newline="", encoding="utf-8") as fh:
        lines = list(csv.reader(fh))[:1201]
    part = tmp_path / "tx_part.csv"
    with part.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(lines)
    with pytest.raises(ImportRowsError, match="4 of 1200 rows .* nothing was imported") as caught:
        import_file(part, "tx-etpl")
    assert [p.row for p in caught.value.problems] == [1129, 1130, 1133, 1135]


def test_error_and_invalid_code_cells_are_each_reported_with_row_column_and_value(tx, tx_rows):
    expected = {(row, column, value) for row, r in enumerate(tx_rows, start=2)
                for column, value in r.items() if value in MARKERS}
    reported = {(c.row, c.field, c.value) for c in tx.report.marked_cells if c.value in MARKERS}
    assert reported == expected
    assert Counter((c, v) for _, c, v in expected) == {
        ("Length: Contact Hours", "ERROR"): 12, ("Length: Weeks", "ERROR"): 62,
        ("Program Outcome", "INVALID CODE"): 34, ("Delivery Method", "INVALID CODE"): 48,
        ("Academic PreRequisites", "INVALID CODE"): 97,
    }


def test_rows_with_error_cells_are_imported_with_those_fields_unknown(tx, tx_by_id, tx_rows):
    rejected = set(tx.report.rejected_rows)
    for row, r in enumerate(tx_rows, start=2):
        if row in rejected:
            continue
        program = tx_by_id[f"tx-{r['Program ID']}"]
        if r["Length: Weeks"] == "ERROR":
            assert program.duration_weeks is None
            entry = program.field_source("duration_weeks")
            assert entry is not None and entry.status is FieldStatus.NOT_REPORTED and "'ERROR'" in entry.note
        if r["Length: Contact Hours"] == "ERROR":
            assert program.contact_hours is None
        if r["Program Outcome"] == "INVALID CODE":
            assert program.credential_type is None
            assert program.field_status("credential_type") is FieldStatus.NOT_REPORTED
        if r["Delivery Method"] == "INVALID CODE":
            assert program.location.delivery is Delivery.IN_PERSON
            assert program.field_status("location.delivery") is FieldStatus.ASSUMED


def test_counts_per_field_filled_derived_assumed_unknown(tx):
    counts = {name: dict(c) for name, c in tx.report.field_counts.items()}
    assert counts["target_occupations"] == {"filled": 4371, "derived": 1857, "dropped": 15, "empty": 2}
    assert counts["type"] == {"derived": 529, "assumed": 5716}
    assert counts["sector"] == {"derived": 6228, "assumed": 17}
    assert counts["cip_code"] == {"filled": 6212, "empty": 33}
    assert counts["duration_weeks"] == {"filled": 5888, "not_reported": 355, "dropped": 2}
    assert counts["contact_hours"] == {"filled": 6193, "not_reported": 52}
    assert counts["credential_type"] == {"filled": 6211, "not_reported": 34}
    assert counts["prerequisites.min_education"] == {"filled": 6148, "not_reported": 97}
    assert counts["pell_eligible"] == {"filled": 6144, "not_reported": 17, "empty": 84}
    assert counts["location.delivery"] == {"filled": 6137, "derived": 60, "assumed": 48}
    assert counts["schedule.hours_per_week"] == {"derived": 5354, "assumed": 891}
    assert counts["supports"] == {"derived": 266, "empty": 5979}
    assert counts["outcomes.total_served"] == {"filled": 455, "not_reported": 37, "empty": 5753}
    assert counts["cost.tuition_usd"] == {"filled": 6245}
    assert counts["languages"] == {"assumed": 6245}
    assert counts["url"] == {"filled": 5094, "dropped": 355, "empty": 796}
    # the report says the same in numbers a person reads
    assert tx.report.unknown("duration_weeks") == 357
    assert tx.report.to_dict()["fields"]["target_occupations"]["unknown"] == 17


def test_counts_agree_with_the_file_where_the_file_says_it_directly(tx, tx_rows):
    counts = tx.report.field_counts
    assert counts["cip_code"]["empty"] == sum(not r["Instructional Program (CIP) Code"].strip() for r in tx_rows)
    assert counts["supports"]["derived"] == sum(r["Information: Onsite Childcare"] == "Yes" for r in tx_rows)
    assert counts["pell_eligible"]["not_reported"] == sum(r["Pell Eligible"] == "Pending" for r in tx_rows)
    assert counts["duration_weeks"]["not_reported"] == sum(r["Length: Weeks"] in ("ERROR", "0", "99999")
                                                           for r in tx_rows)
    ra_rows = sum(r["Institution Type"] == "National Apprenticeship" for r in tx_rows)
    assert ra_rows == 510


def test_program_types_registered_apprenticeship_and_pre_apprenticeship(tx, tx_rows):
    types = Counter(p.type for p in tx.programs)
    pre = [r for r in tx_rows if re.search(r"pre[- ]?apprentic",
                                           f"{r['Program Name']} {r['Program Description']} {r['ProviderName']}", re.I)]
    assert len(pre) == 37 and types[ProgramType.PRE_APPRENTICESHIP] == 37
    # 510 National Apprenticeship rows, less the 18 that are pre-apprenticeships and the 5 rejected
    assert types[ProgramType.REGISTERED_APPRENTICESHIP] == 487
    assert types[ProgramType.OCCUPATIONAL_SKILLS] == 5704


def test_a_pre_apprenticeship_checked_by_hand_against_row_2(tx_by_id):
    # Row 2: 100 Black Men of San Antonio, HBI Pre-Apprentice Certificate Training, ZIP 78210,
    # CIP 460000, O*NET 47211100, tuition 5600 + books 1983, 20 contact hours over 13 weeks, Hybrid.
    p = tx_by_id["tx-32211"]
    assert p.name == "Home Builders Institute Pre-Apprentice Certificate Training"
    assert p.provider == "100 Black Men of San Antonio Inc. (Pre Apprenticeship)"
    assert p.type is ProgramType.PRE_APPRENTICESHIP
    assert p.cip_code == "46.0000" and p.target_occupations == ["47-2111.00"]
    assert p.sector.value == "construction"
    assert p.cost.tuition_usd == 7583 and [f.value for f in p.cost.funding] == ["wioa_ita"]
    assert p.contact_hours == 20 and p.duration_weeks == 13 and p.schedule.hours_per_week == 1.5
    assert p.location.delivery is Delivery.HYBRID and p.location.zip == "78210"
    assert (p.location.city, p.location.county, p.location.state) == ("San Antonio", "Bexar", "TX")
    assert p.credential_type is CredentialType.INDUSTRY_CERTIFICATION and p.credential_name == "HBI PACT"
    assert p.pell_eligible is False and p.provider_type.value == "private_nonprofit"
    assert p.url == "https://www.100blackmensa.org/YouthBuild"  # 'www.100blackmensa.org/YouthBuild' in the file
    assert p.sources[0].row == 2 and p.sources[0].record_id == "32211" and p.sources[0].provider_id == "10161"
    assert p.sources[0].updated.isoformat() == "2023-11-06"  # 'November 6, 2023 5:25 PM'


def test_a_registered_apprenticeship_checked_by_hand_against_row_5796(tx_by_id):
    # Row 5796: South Texas Electrical JATC, Electrical Apprenticeship, National Apprenticeship, 78212,
    # 198 contact hours over 40 weeks, tuition 1355, 15 apprentices, High School Diploma or Equivalent.
    p = tx_by_id["tx-30773"]
    assert p.type is ProgramType.REGISTERED_APPRENTICESHIP and p.provider == "South Texas Electrical JATC"
    assert p.target_occupations == ["47-2111.00"] and p.cip_code == "46.0302"
    assert p.outcomes.total_served == 15
    assert p.prerequisites.min_education.value == "hs_diploma_or_ged"
    assert p.schedule.hours_per_week == 40 and [t.value for t in p.schedule.times] == ["day"]
    assert p.field_status("schedule.hours_per_week") is FieldStatus.ASSUMED
    assert p.field_status("schedule.times") is FieldStatus.ASSUMED
    assert p.credential_type is CredentialType.APPRENTICESHIP_CERTIFICATE
    assert p.cost.tuition_usd == 1355


def test_weeks_99999_is_a_placeholder_not_a_length(tx_by_id):
    p = tx_by_id["tx-35208"]  # row 5649: HCC JR SOFTWARE ENGINEER, Length: Weeks 99999
    assert p.duration_weeks is None
    assert p.field_source("duration_weeks").note == "the source has '99999'"
    assert p.cost.funding and {f.value for f in p.cost.funding} == {"pell", "wioa_ita"}


def test_older_codes_fall_back_to_the_cip_crosswalk_and_say_so(tx_by_id):
    # Row 4: 'Nurse Aide', O*NET 31101400 (SOC 2010 Nursing Assistants, not in O*NET 29.2), CIP 513902.
    p = tx_by_id["tx-35456"]
    assert p.target_occupations == ["31-1131.00"]
    entry = p.field_source("target_occupations")
    assert entry.status is FieldStatus.DERIVED and "CIP 51.3902" in entry.note
    # Row 69: CIP '10605 ' lost its leading zero in the spreadsheet: 01.0605.
    assert tx_by_id["tx-31549"].cip_code == "01.0605"


def test_a_po_box_zip_is_placed_at_the_nearest_known_zip_and_reported(tx, tx_by_id):
    p = tx_by_id["tx-32215"]  # row 395: Angelina College, Lufkin, ZIP 75902 (PO boxes; no Census point)
    assert p.location.zip == "75902"
    assert (p.location.latitude, p.location.longitude) == pytest.approx((31.301675, -94.641408))  # ZIP 75901
    assert "placed at ZIP 75901" in p.field_source("location.latitude").note
    placed = [w for w in tx.report.warnings if w.field == "Campus Zip Code" and w.row == 395]
    assert len(placed) == 1 and "nearest known ZIP" in placed[0].message


def test_unknown_stays_unknown_across_the_whole_import(tx):
    from matcher.records import _FIELD_DEFAULTS

    unknown = 0
    for p in tx.programs:
        for entry in p.provenance:
            if entry.status.is_unknown and entry.field != "cost.tuition_usd":
                unknown += 1
                assert _value(p, entry.field) == _FIELD_DEFAULTS[entry.field], (p.id, entry.field)
    assert unknown == 586  # the marked cells of the imported rows (weeks, hours, outcome, prerequisites...)
    assert all(p.pell_eligible is None for p in tx.programs if p.field_status("pell_eligible").is_unknown)


def _value(program, path):
    obj = program
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def test_likely_duplicates_within_the_list_are_reported_not_merged(tx):
    assert len(tx.report.duplicates) == 62
    assert not any(d.merged for d in tx.report.duplicates)
    same = next(d for d in tx.report.duplicates if {d.program_id, d.other_id} == {"tx-34350", "tx-34414"})
    assert "same ZIP 75601" in same.reason


def test_a_texas_seeker_gets_local_paid_apprenticeships_with_reasons(tx):
    """ZIP 78210 (San Antonio), interested in construction, needs income while training."""
    recommender = Recommender().fit(tx.catalog)
    result = recommender.recommend({"zip": "78210", "interests": {"sectors": ["construction"]},
                                    "needs_income": True}, top=10)
    top = result.items
    assert len(top) == 10
    assert all(r.program_id.startswith("tx-") for r in top)
    assert sum(r.program_id in _types(tx, ProgramType.REGISTERED_APPRENTICESHIP) for r in top) >= 6
    for r in top[:5]:
        assert any(reason.startswith("Paid") for reason in r.reasons), r.reasons
        assert any("construction" in reason for reason in r.reasons)
        assert r.distance_miles is not None and r.distance_miles < 30  # San Antonio, not Houston


def _types(tx, kind):
    return {p.id for p in tx.programs if p.type is kind}
