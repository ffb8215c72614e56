"""POST /recommendations and /recommendations/batch: the engine's explained lists, filters, and
nothing about the person stored."""

from __future__ import annotations

from api_helpers import EXAMPLE_PROFILE, SMALL_PROFILE, call, dump_database

from matcher.engine import Recommender
from matcher.query import FilteredRecommender, RecommendationFilters


def test_recommendations_are_the_engines_own_list(client, tokens):
    response = call(client, "recommendations.recommend", token=tokens["coach"], url="/api/v1/recommendations?top=5")
    assert response.status_code == 200
    body = response.get_json()
    expected = Recommender().fit(_sample()).recommend(SMALL_PROFILE, top=5).to_dict()
    assert body["recommendations"] == _rounded(expected)
    assert body["model_version"] is None
    size = len(_sample())
    assert body["catalog"] == {"version": 0, "source": _sample().source, "programs": size}
    assert body["programs_considered"] == size
    first = body["recommendations"]["items"][0]
    for part in ("parts", "reasons", "skill_gaps", "supports", "blockers", "checks", "distance_miles", "flagged"):
        assert part in first
    assert body["recommendations"]["target_wage"] is not None


def test_filters_narrow_what_is_ranked(client, tokens):
    url = "/api/v1/recommendations?sector=healthcare&type=ojt&top=4&start_before=2030-01-01"
    body = call(client, "recommendations.recommend", token=tokens["coach"], url=url).get_json()
    items = body["recommendations"]["items"]
    assert items and all(i["sector"] == "healthcare" and i["type"] == "ojt" for i in items)
    assert body["filters"] == {"sector": "healthcare", "type": "ojt", "max_miles": None,
                               "start_before": "2030-01-01", "top": 4}
    catalog = _sample()
    expected = sum(1 for p in catalog if p.sector.value == "healthcare" and p.type.value == "ojt")
    assert body["programs_considered"] == expected == body["recommendations"]["catalog_size"]


def test_max_miles_is_strict_and_needs_a_zip(client, tokens):
    url = "/api/v1/recommendations?max_miles=3&top=10"
    items = call(client, "recommendations.recommend", token=tokens["coach"], url=url).get_json()[
        "recommendations"]["items"]
    assert items
    assert all(i["distance_miles"] is None or i["distance_miles"] <= 3 for i in items)
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
    response = call(client, "recommendations.recommend", token=tokens["coach"], url=url, json={"age": 30})
    assert response.status_code == 422 and response.get_json()["field"] == "max_miles"


def test_a_filter_nothing_passes_gives_an_empty_list_not_an_error(client, tokens):
    url = "/api/v1/recommendations?start_before=1990-01-01"
    body = call(client, "recommendations.recommend", token=tokens["coach"], url=url).get_json()
    assert body["programs_considered"] == 0 and body["recommendations"]["items"] == []


def test_batch_returns_one_list_per_profile_in_order(client, tokens):
    body = call(client, "recommendations.recommend_batch", token=tokens["coach"]).get_json()
    engine = FilteredRecommender(_sample())
    expected = [engine.recommend(p, RecommendationFilters(top=2)).result.to_dict()
                for p in (SMALL_PROFILE, EXAMPLE_PROFILE)]
    assert body["results"] == [_rounded(e) for e in expected]


def test_batch_is_bounded(make_app, tokens):
    app = make_app(batch_max=3)
    client = app.test_client()
    store = app.extensions["matcher"].tokens
    _info, token = store.create("coach", "coach")
    response = client.post("/api/v1/recommendations/batch", json={"profiles": [SMALL_PROFILE] * 4},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert response.get_json()["field"] == "profiles"


def test_a_bad_profile_in_a_batch_names_its_position(client, tokens):
    bad = {"profiles": [SMALL_PROFILE, {"zip": "abc"}]}
    response = call(client, "recommendations.recommend_batch", token=tokens["coach"], json=bad)
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["field"] == "profiles.1.zip"


def test_profile_validation_errors_name_the_field_and_never_echo_barrier_answers(client, tokens):
    profile = {"zip": "97217", "barriers": ["prison_record_2019"], "age": "old", "surprise": 1}
    response = call(client, "recommendations.recommend", token=tokens["coach"], json=profile)
    assert response.status_code == 422
    body = response.get_json()
    fields = {p["field"]: p for p in body["problems"]}
    assert set(fields) == {"barriers.0", "age", "surprise"}
    assert "value" not in fields["barriers.0"]
    assert "prison_record_2019" not in response.get_data(as_text=True)
    assert fields["surprise"]["message"].startswith("unknown field")


def test_a_recommendation_stores_nothing_about_the_person(app, client, tokens):
    call(client, "recommendations.recommend", token=tokens["coach"])  # first load out of the way
    before = dump_database(app)
    for endpoint in ("recommendations.recommend", "recommendations.recommend_batch"):
        assert call(client, endpoint, token=tokens["coach"]).status_code == 200
    response = call(client, "recommendations.recommend", token=tokens["coach"], json=EXAMPLE_PROFILE)
    assert response.status_code == 200
    assert dump_database(app) == before


def _sample():
    from matcher.catalog import default_catalog

    return default_catalog()


def _rounded(data):
    """What the data looks like after a trip through JSON."""
    import json

    return json.loads(json.dumps(data))
