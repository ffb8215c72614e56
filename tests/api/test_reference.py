"""Skills autocomplete and normalizer, occupations, self-sufficiency targets: the CLI's answers."""

from __future__ import annotations

from matcher.normalize import Normalizer
from matcher.selfsufficiency import SelfSufficiencyTable
from matcher.taxonomy import load_taxonomy


def test_skills_autocomplete_is_the_taxonomy_search(client):
    body = client.get("/api/v1/skills?q=fork&limit=5").get_json()
    expected = load_taxonomy().search_skills("fork", limit=5)
    assert [(r["id"], r["score"]) for r in body["results"]] == [(s.id, score) for s, score in expected]
    assert {r["id"] for r in body["results"][:2]} == {"skill:forklift", "cred:forklift"}


def test_normalize_maps_messy_text_and_leaves_the_unknown_unmatched(client):
    body = client.post("/api/v1/skills/normalize", json={"phrases": ["fork lift cert", "osha10", "qwzxv"]}).get_json()
    expected = [m.to_dict() for m in Normalizer().normalize_many(["fork lift cert", "osha10", "qwzxv"])]
    assert body["results"] == expected
    assert body["results"][2]["status"] == "unmatched" and body["results"][2]["id"] is None


def test_normalize_validation(client):
    for body, field in (({"phrases": []}, "phrases"), ({"phrases": ["x" * 201]}, "phrases.0"),
                        ({"phrases": ["ok"], "kind": "animal"}, "kind"), ({"phrases": ["ok", "  "]}, "phrases.1"),
                        ({"phrase": ["ok"]}, "phrases")):
        response = client.post("/api/v1/skills/normalize", json=body)
        assert response.status_code == 422, body
        assert response.get_json()["field"] == field, (body, response.get_json())


def test_occupations_search(client):
    body = client.get("/api/v1/occupations?q=electrician&limit=3").get_json()
    codes = [code.code for code, _ in load_taxonomy().search_occupations("electrician", limit=3)]
    assert [r["code"] for r in body["results"]] == codes
    assert client.get("/api/v1/occupations").status_code == 422  # q is required


def test_target_for_a_household(client):
    body = client.get("/api/v1/target?county=Lane&adults=2&children=1").get_json()
    expected = SelfSufficiencyTable.default().target(2, 1, "Lane")
    assert body["target"]["hourly_wage"] == expected.hourly_wage
    assert body["target"]["is_estimate"] == expected.is_estimate


def test_target_errors_name_the_query_parameter(client):
    unknown = client.get("/api/v1/target?county=Atlantis")
    assert unknown.status_code == 404 and unknown.get_json()["field"] == "county"
    bad = client.get("/api/v1/target?adults=0")
    assert bad.status_code == 422 and bad.get_json()["field"] == "adults"
