import math

import numpy as np
import pytest

from matcher.geo import chord_miles, county_for_zip, distance_miles, is_known_zip, unit_vectors, zip_point, zip_state


def test_known_zip_has_its_census_point():
    lat, lon = zip_point("97204")  # downtown Portland
    assert lat == pytest.approx(45.518, abs=0.01)
    assert lon == pytest.approx(-122.674, abs=0.01)


def test_zip_plus_four_is_accepted():
    assert zip_point("97204-1234") == zip_point("97204")


@pytest.mark.parametrize("zip_code", ["00000", "99999", "12", "abcde", "", None])
def test_unknown_or_malformed_zip_gives_none(zip_code):
    assert zip_point(zip_code) is None
    assert county_for_zip(zip_code) is None


def test_zip_points_are_national():
    assert zip_point("98660") is not None  # Vancouver WA
    assert zip_point("99501") is not None  # Anchorage AK
    lat, lon = zip_point("78210")  # San Antonio TX
    assert lat == pytest.approx(29.40, abs=0.05) and lon == pytest.approx(-98.46, abs=0.05)
    lat, lon = zip_point("08330")  # Mays Landing NJ: a leading zero that must survive
    assert lat == pytest.approx(39.45, abs=0.1) and lon == pytest.approx(-74.75, abs=0.1)


@pytest.mark.parametrize("zip_code, state", [("78210", "TX"), ("73102", "OK"), ("79901", "TX"),
                                             ("97204", "OR"), ("98660", "WA"), ("99501", "AK"), ("00901", "PR"),
                                             ("08330", "NJ"), ("20001", "DC"), ("96799", "AS"), ("96950", "MP")])
def test_state_of_a_zip_comes_from_its_usps_prefix(zip_code, state):
    assert zip_state(zip_code) == state


@pytest.mark.parametrize("zip_code", ["00000", "99999", "12", "abcde", "", None, "09001"])
def test_unknown_zip_is_not_known(zip_code):
    assert not is_known_zip(zip_code)
    assert zip_state(zip_code) is None


def test_the_shipped_table_has_every_census_zcta_once():
    import csv
    import gzip
    import io

    from matcher.paths import data_dir

    rows = list(csv.DictReader(io.StringIO(gzip.decompress(
        (data_dir() / "geo" / "zip_points.csv.gz").read_bytes()).decode("utf-8"))))
    assert len(rows) == 33_791  # the 2023 Gazetteer's ZCTA count (data/README.md)
    assert len({r["zip"] for r in rows}) == len(rows)
    assert all(len(r["zip"]) == 5 and r["zip"].isdigit() and len(r["state"]) == 2 for r in rows)


def test_portland_to_eugene_is_about_a_hundred_miles_great_circle():
    # Great-circle distance, downtown Portland to Eugene: about 101-103 miles
    # (the drive on I-5 is about 110).
    p, e = zip_point("97204"), zip_point("97401")
    d = distance_miles(p[0], p[1], np.array([e[0]]), np.array([e[1]]))
    assert 98 < d[0] < 106


def test_distance_is_within_a_tenth_of_a_percent_of_the_great_circle_for_many_points():
    rng = np.random.default_rng(0)
    lats, lons = rng.uniform(42, 47, 500), rng.uniform(-124.5, -116.5, 500)

    def scalar(lat2, lon2, lat1=45.5, lon1=-122.6):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        return 2 * 3958.7613 * math.asin(math.sqrt(a))

    got = distance_miles(45.5, -122.6, lats, lons)
    # The chord is never longer than the arc and, within 500 miles, under 0.1% shorter (float32 storage).
    expected = np.array([scalar(a, b) for a, b in zip(lats, lons)])
    assert (got <= expected * (1 + 1e-6) + 1e-3).all()
    assert got == pytest.approx(expected, rel=1e-3)


def test_zero_distance_and_nan_propagates():
    d = distance_miles(45.5, -122.6, np.array([45.5, np.nan]), np.array([-122.6, -122.6]))
    assert d[0] == pytest.approx(0.0, abs=1e-2)
    assert np.isnan(d[1])


def test_chord_miles_is_a_grid_between_two_point_sets():
    a = unit_vectors(np.array([45.5, 44.05]), np.array([-122.6, -123.09]))
    b = unit_vectors(np.array([45.5, np.nan, 44.05]), np.array([-122.6, 0.0, -123.09]))
    grid = chord_miles(a, b)
    assert grid.shape == (2, 3) and grid.dtype == np.float32
    assert grid[0, 0] == pytest.approx(0, abs=0.01) and grid[1, 2] == pytest.approx(0, abs=0.01)
    assert grid[0, 2] == pytest.approx(grid[1, 0]) and np.isnan(grid[:, 1]).all()


def test_distance_does_not_modify_its_inputs():
    lats, lons = np.array([44.0, 45.0]), np.array([-123.0, -122.0])
    distance_miles(45.5, -122.6, lats, lons)
    assert lats.tolist() == [44.0, 45.0] and lons.tolist() == [-123.0, -122.0]


@pytest.mark.parametrize("zip_code, fips", [
    ("97214", "41051"),  # SE Portland: Multnomah
    ("97030", "41051"),  # Gresham
    ("97123", "41067"),  # Hillsboro: Washington
    ("97045", "41005"),  # Oregon City: Clackamas
    ("98660", "53011"),  # Vancouver WA: Clark
    ("97477", "41039"),  # Springfield: Lane
])
def test_service_county_zips_map_to_their_county(zip_code, fips):
    assert county_for_zip(zip_code) == fips


def test_zip_outside_the_service_counties_has_no_county():
    assert zip_point("97301") is not None  # Salem: a real ZIP...
    assert county_for_zip("97301") is None  # ...but Marion County is not served
