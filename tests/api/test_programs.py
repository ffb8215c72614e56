"""The catalog endpoints: browse with filters, search, pages and ETags; import and validate whole
catalogs (all-or-nothing, with every bad row named, audited, and served at once)."""

from __future__ import annotations

import io
import json

from api_helpers import call, dump_database, small_catalog_document

from matcher.catalog import default_catalog, write_csv


def test_list_filters_pages_and_counts(client):
    body = client.get("/api/v1/programs?sector=healthcare&type=ojt&per_page=3&page=2").get_json()
    everything = [p for p in default_catalog() if p.sector.value == "healthcare" and p.type.value == "ojt"]
    assert body["total"] == len(everything)
    assert body["pages"] == -(-len(everything) // 3)
    assert [p["id"] for p in body["programs"]] == sorted(p.id for p in everything)[3:6]


def test_search_words_must_all_appear(client):
    body = client.get("/api/v1/programs?q=welding%20lane&per_page=100").get_json()
    assert body["total"] >= 1
    for program in body["programs"]:
        text = json.dumps(program).lower()
        assert "weld" in text and "lane" in text


def test_etag_gives_304_until_the_catalog_changes(client, tokens):
    first = client.get("/api/v1/programs?sector=construction")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/programs?sector=construction", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other_query = client.get("/api/v1/programs?sector=healthcare", headers={"If-None-Match": etag})
    assert other_query.status_code == 200
    assert call(client, "programs.import_catalog", token=tokens["admin"]).status_code == 200
    after = client.get("/api/v1/programs?sector=construction", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag


def test_get_one_program_and_an_unknown_id(client):
    body = client.get("/api/v1/programs/pdx-con-020").get_json()
    assert body == default_catalog().get("pdx-con-020").model_dump(mode="json")
    missing = client.get("/api/v1/programs/no-such-program")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "not_found", "message": "no program with id 'no-such-program'",
                                  "field": "program_id"}


def test_bad_query_parameters_name_the_parameter(client):
    for url, field in (("/api/v1/programs?sector=mining", "sector"), ("/api/v1/programs?per_page=0", "per_page"),
                       ("/api/v1/programs?page=x", "page"), ("/api/v1/programs?sort=name", "sort"),
                       ("/api/v1/programs?start_before=tomorrow", "start_before")):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.get_json()["field"] == field


def test_import_replaces_the_catalog_audits_it_and_serves_it_at_once(app, client, tokens):
    document = small_catalog_document(12, rename="Renamed by the import")
    response = call(client, "programs.import_catalog", token=tokens["admin"], json=document)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["added"], body["removed"], body["total"], body["catalog_version"]) == (12, 0, 12, 1)
    listing = client.get("/api/v1/programs?per_page=100").get_json()
    assert listing["catalog"]["version"] == 1 and listing["total"] == 12
    first_id = document["programs"][0]["id"]
    assert client.get(f"/api/v1/programs/{first_id}").get_json()["name"] == "Renamed by the import"
    recs = call(client, "recommendations.recommend", token=tokens["coach"]).get_json()
    assert recs["catalog"]["version"] == 1 and recs["recommendations"]["catalog_size"] == 12
    audit = call(client, "admin.audit_trail", token=tokens["admin"]).get_json()["entries"]
    assert audit[0]["action"] == "catalog.import" and audit[0]["detail"]["total"] == 12
    assert audit[0]["actor_name"] == "test admin"


def test_an_import_with_bad_rows_changes_nothing_and_names_each_row(app, client, tokens):
    assert call(client, "programs.import_catalog", token=tokens["admin"]).status_code == 200
    before = dump_database(app)
    document = small_catalog_document(5)
    document["programs"][1]["schedule"]["hours_per_week"] = 500
    document["programs"][3]["location"] = {"zip": "nope"}
    response = call(client, "programs.import_catalog", token=tokens["admin"], json=document)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_rows"
    assert {(p["row"], p["field"]) for p in body["problems"]} == {(2, "schedule.hours_per_week"),
                                                                  (4, "location.zip")}
    assert dump_database(app) == before


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(client, tokens):
    document = small_catalog_document(5)
    document["programs"][1]["duration_weeks"] = -1
    response = call(client, "programs.import_catalog", token=tokens["admin"], json=document,
                    url="/api/v1/programs?skip_invalid=true")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["skipped_rows"]) == (4, 1)
    assert body["problems"][0]["row"] == 2


def test_an_upload_with_no_valid_program_never_empties_the_catalog(client, tokens):
    document = {"programs": [{"id": "x"}]}
    response = call(client, "programs.import_catalog", token=tokens["admin"], json=document,
                    url="/api/v1/programs?skip_invalid=true")
    assert response.status_code == 422 and response.get_json()["field"] == "programs"
    assert client.get("/api/v1/programs").get_json()["total"] == len(default_catalog())


def test_csv_and_json_lines_uploads(client, tokens):
    programs = default_catalog().programs[:7]
    buffer = io.StringIO()
    write_csv(programs, buffer)
    response = client.put("/api/v1/programs", data=buffer.getvalue().encode(), content_type="text/csv",
                          headers={"Authorization": tokens["admin"]})
    assert response.status_code == 200 and response.get_json()["total"] == 7
    lines = "\n".join(json.dumps(p.model_dump(mode="json")) for p in programs[:3])
    response = client.put("/api/v1/programs", data=lines.encode(), content_type="application/x-ndjson",
                          headers={"Authorization": tokens["admin"]})
    assert response.status_code == 200 and response.get_json()["total"] == 3


def test_a_bad_csv_header_is_a_400_naming_the_header(client, tokens):
    response = client.put("/api/v1/programs", data=b"id,nmae\nx,y\n", content_type="text/csv",
                          headers={"Authorization": tokens["admin"]})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_input_file" and body["field"] == "header" and "nmae" in body["message"]


def test_validate_reports_without_importing(app, client, tokens):
    document = small_catalog_document(3)
    document["programs"][2]["type"] = "bootcamp"
    before = dump_database(app)
    response = call(client, "programs.validate_catalog", token=tokens["admin"], json=document)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["ok"], body["rows"], body["valid_programs"]) == (False, 3, 2)
    assert body["problems"][0]["row"] == 3 and body["problems"][0]["field"] == "type"
    assert dump_database(app) == before


def test_uploads_have_their_own_size_limit(make_app):
    app = make_app(max_import_bytes=2000)
    client = app.test_client()
    _info, token = app.extensions["matcher"].tokens.create("admin", "admin")
    response = client.put("/api/v1/programs", json=small_catalog_document(3),
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413 and response.get_json()["error"] == "payload_too_large"
