import pytest

from matcher.errors import DataError, ImportRowsError, InputFileError, NotFoundError
from matcher.records import SeekerProfile
from matcher.selfsufficiency import SelfSufficiencyTable, target_for_profile

HEADER = "county_fips,county,state,adults,children,hourly_wage,measure,edition,is_estimate\n"


@pytest.fixture(scope="module")
def table():
    return SelfSufficiencyTable.default()


def test_published_multnomah_figure_is_one_adult_two_children(table):
    # The source household is 1 adult + 1 preschooler + 1 school-age child.
    t = table.target(1, 2, "Multnomah")
    assert t.hourly_wage == 36.42 and not t.is_estimate
    assert t.county_fips == "41051" and t.edition == "SSS 2021"
    assert "preschooler" in t.note


def test_published_washington_county_figure_is_per_adult(table):
    t = table.target(2, 2, "Washington County")
    assert not t.is_estimate and t.edition == "SSS 2017"
    assert t.hourly_wage == pytest.approx(85022 / 2080 / 2, abs=0.01)


def test_other_households_are_flagged_estimates(table):
    t = table.target(1, 1, "Multnomah")
    assert t.is_estimate and "estimate" in t.measure.lower()


@pytest.mark.parametrize("county, fips", [
    ("Multnomah", "41051"), ("Multnomah County", "41051"), ("lane county, or", "41039"),
    ("Clark County WA", "53011"), ("41005", "41005"), ("CLACKAMAS", "41005"), ("Washington", "41067"),
    ("Washington County, Oregon", "41067"),
])
def test_county_names_and_fips_are_understood(table, county, fips):
    assert table.target(1, 0, county).county_fips == fips


@pytest.mark.parametrize("county", ["King County", "Washington County, WA", "41047", "Clark County OR"])
def test_unknown_county_is_not_found(table, county):
    with pytest.raises(NotFoundError) as exc:
        table.target(1, 0, county)
    assert exc.value.field == "household.county"


def test_no_county_uses_regional_default_with_a_note(table):
    t = table.target(1, 2, None)
    assert t.county_fips == "41051" and "regional default" in t.note


def test_more_children_than_the_table_uses_the_largest_and_says_so(table):
    t = table.target(1, 6, "Lane")
    assert t.children == 3 and "stops at 3 children" in t.note
    assert t.hourly_wage == table.target(1, 3, "Lane").hourly_wage


def test_estimates_never_fall_below_the_minimum_wage_floor(table):
    for county in table.counties():
        for adults in (1, 2):
            for children in range(4):
                assert table.target(adults, children, county).hourly_wage >= 15.05


def test_bad_rows_are_reported_with_row_and_field(tmp_path):
    path = tmp_path / "sss.csv"
    path.write_text(HEADER
                    + "41051,Multnomah,OR,1,0,20.00,SSS,2021,false\n"
                    + "4105,Multnomah,OR,1,1,abc,SSS,2021,maybe\n"
                    + "41051,Multnomah,OR,1,0,21.00,SSS,2021,false\n")
    with pytest.raises(ImportRowsError) as exc:
        SelfSufficiencyTable.from_csv(path)
    found = {(p.row, p.field) for p in exc.value.problems}
    assert {(3, "county_fips"), (3, "hourly_wage"), (3, "is_estimate"), (4, "county_fips")} <= found


def test_missing_column_is_an_input_file_error(tmp_path):
    path = tmp_path / "sss.csv"
    path.write_text("county_fips,county\n41051,Multnomah\n")
    with pytest.raises(InputFileError) as exc:
        SelfSufficiencyTable.from_csv(path)
    assert "hourly_wage" in exc.value.message


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError):
        SelfSufficiencyTable.from_csv(tmp_path / "nope.csv")


def test_board_table_replaces_the_shipped_one(tmp_path):
    path = tmp_path / "sss.csv"
    path.write_text(HEADER + "41039,Lane,OR,1,0,24.50,Board SSS,2026,false\n")
    t = SelfSufficiencyTable.from_csv(path).target(1, 0, "Lane County")
    assert t.hourly_wage == 24.50 and t.edition == "2026"


def test_profile_county_comes_from_household_then_zip(table):
    by_county = SeekerProfile(household={"adults": 1, "children": 2, "county": "Lane"}, zip="97214")
    assert target_for_profile(by_county, table).county_fips == "41039"
    by_zip = SeekerProfile(household={"adults": 1, "children": 2}, zip="97123")
    assert target_for_profile(by_zip, table).county_fips == "41067"


def test_profile_outside_service_counties_has_no_target(table):
    assert target_for_profile(SeekerProfile(zip="97301"), table) is None


def test_profile_without_place_gets_regional_default(table):
    t = target_for_profile(SeekerProfile(household={"adults": 1, "children": 0}))
    assert t.county_fips == "41051" and "regional default" in t.note


def test_a_board_table_saved_as_excel_csv_utf8_with_a_bom_is_read(tmp_path) -> None:
    from matcher.paths import data_dir
    from matcher.selfsufficiency import SelfSufficiencyTable

    shipped = (data_dir() / "self_sufficiency" / "self_sufficiency.csv").read_bytes()
    path = tmp_path / "board.csv"
    path.write_bytes(b"\xef\xbb\xbf" + shipped)
    table = SelfSufficiencyTable.from_csv(path)
    assert table.target(1, 2, "Multnomah").hourly_wage == 36.42


def test_a_board_table_that_is_not_text_is_refused_naming_the_file(tmp_path) -> None:
    from matcher.errors import InputFileError
    from matcher.selfsufficiency import SelfSufficiencyTable

    path = tmp_path / "board.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    with pytest.raises(InputFileError) as info:
        SelfSufficiencyTable.from_csv(path)
    assert "board.csv" in info.value.message


def test_household_targets_remember_households_and_answer_as_target_for_profile() -> None:
    from matcher.selfsufficiency import household_targets

    table = SelfSufficiencyTable.default()
    cached = household_targets(table)
    for data in ({"zip": "97217", "household": {"adults": 1, "children": 2}},
                 {"household": {"adults": 2, "children": 1, "county": "Clark County, WA"}},
                 {"household": {"adults": 1, "children": 0}}, {"zip": "10001"}):
        profile = SeekerProfile.model_validate(data)
        assert cached(profile) == target_for_profile(profile, table)
        assert cached(profile) == target_for_profile(profile, table)  # the remembered answer
