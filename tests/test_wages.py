import csv

import pytest

from matcher.errors import ValidationError
from matcher.paths import data_dir
from matcher.wages import oews_soc, wage_for


def test_registered_nurse_portland_median_matches_bls():
    w = wage_for("29-1141")
    assert (w.area, w.median, w.pct10, w.pct25, w.pct75) == ("portland", 62.65, 46.72, 52.06, 65.61)
    assert not w.top_coded and not w.fell_back


def test_eugene_figures_differ_from_portland():
    assert wage_for("29-1141.00", "eugene").median == 54.67


@pytest.mark.parametrize("code, expected", [
    ("53-7062.00", "53-7062"),
    ("53-7062.04", "53-7062"),  # O*NET-only detail -> its 6-digit SOC
    ("537062", "53-7062"),
    ("21-1011.00", "21-1018"),  # folded by OEWS into another code (BLS crosswalk)
    ("51-2022.00", "51-2028"),
])
def test_onet_codes_map_to_the_oews_code(code, expected):
    assert oews_soc(code) == expected


def test_substance_abuse_counselor_onet_code_gets_oews_wages():
    w = wage_for("21-1011.00")
    assert w.soc == "21-1018" and w.median == 36.26


def test_top_coded_wages_are_flagged():
    w = wage_for("29-1211", "portland")  # anesthesiologists
    assert w.top_coded and "h_median" in w.top_coded_fields
    assert w.median == 115.0


def test_falls_back_to_state_when_metro_is_suppressed():
    # Eugene suppresses many occupations; find one in the shipped table and check the chain.
    with (data_dir() / "wages" / "oews_may2025_hourly.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    by = {(r["area"], r["soc"]): r for r in rows}
    soc = next(s for (a, s), r in sorted(by.items())
               if a == "eugene" and not r["h_median"] and by.get(("oregon", s), {}).get("h_median"))
    w = wage_for(soc, "eugene")
    assert w.area == "oregon" and w.requested_area == "eugene" and w.fell_back
    assert w.median == float(by[("oregon", soc)]["h_median"])


def test_occupation_without_hourly_wages_gives_none():
    assert wage_for("25-9042.00") is None  # teaching assistants: annual pay only (BLS footnote 4)


def test_unknown_area_and_bad_code_are_errors():
    with pytest.raises(ValidationError) as exc:
        wage_for("29-1141", "seattle")
    assert exc.value.field == "area"
    with pytest.raises(ValidationError) as exc:
        wage_for("nurse")
    assert exc.value.field == "soc"


def test_unknown_but_wellformed_code_gives_none():
    assert wage_for("99-9999") is None


@pytest.mark.parametrize("state, county, zip_code, area", [
    ("TX", "Bexar", None, "national"), ("OR", "Lane County", None, "eugene"), ("OR", "Multnomah", None, "portland"),
    ("WA", "Clark", None, "portland"), ("WA", "King", None, "washington"), ("OR", "Marion", None, "oregon"),
    (None, None, "78210", "national"), (None, None, "97401", "oregon"), (None, None, None, "national"),
])
def test_wage_area_for_a_place_out_of_the_region_is_national(state, county, zip_code, area):
    from matcher.wages import wage_area_for

    assert wage_area_for(state, county, zip_code) == area


def test_national_figures_standing_in_for_a_state_say_so():
    from matcher.wages import area_label

    assert area_label("national", "TX") == "United States (national figures: no OEWS wages for TX are shipped)"
    assert area_label("eugene") == "Eugene-Springfield, OR MSA"
