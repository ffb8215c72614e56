"""The kiosk through Flask's test client: forms, errors, security headers, what is (not) kept, next steps."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kiosk_helpers import TRANSIT_NEEDS_INCOME, answer_all, csrf_token, dump_database, post, session_of

from api.access import access_of, route_table
from api.kiosk import CONTENT_SECURITY_POLICY
from api.kiosk.answers import STEPS
from matcher.auth import Role

PAGES = ["/", *[f"/step/{s}" for s in STEPS]]


# ---------------------------------------------------------------------- the form works


def test_a_person_answers_every_step_and_sees_ranked_cards(kiosk_client):
    answer_all(kiosk_client)
    response = kiosk_client.get("/results")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(re.findall(r'<article class="card"', html)) == 5
    assert "Why it fits you" in html and "Show this to a coach" in html
    assert "To cover basic costs, your household needs a job that pays about $" in html


def test_results_before_the_steps_send_the_person_to_the_first_unanswered_one(kiosk_client):
    response = kiosk_client.get("/results")
    assert response.status_code == 303 and response.headers["Location"].endswith("/step/interests")


def test_every_kiosk_view_is_public_and_under_the_shared_rate_limit(kiosk_app):
    views = [(rule, endpoint) for _m, rule, endpoint, _a in route_table(kiosk_app) if endpoint.startswith("kiosk.")]
    assert len(views) >= 12
    for rule, endpoint in views:
        access = access_of(kiosk_app, endpoint)
        assert access is not None and access.public, rule
        assert access.rate_limited or endpoint == "kiosk.static", rule


def test_the_kiosk_is_rate_limited_like_the_api_and_says_so_in_html(make_app):
    app = make_app(public_rate_limit="3/minute", kiosk_secret_key="k")
    client = app.test_client()
    codes = [client.get("/step/place").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    response = client.get("/step/place")
    assert response.mimetype == "text/html" and "Please wait a moment" in response.get_data(as_text=True)


# ---------------------------------------------------------------------- errors, in the person's language


def test_a_bad_zip_gets_a_friendly_message_tied_to_the_field_and_a_summary(kiosk_client):
    response = post(kiosk_client, "/step/place", {"zip": "9721", "travel": ["transit"], "online_ok": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in html and 'href="#zip-field"' in html
    assert 'id="zip-error"' in html and "A ZIP code is 5 numbers, like 97214." in html
    field = re.search(r'<input[^>]+id="zip-field"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="zip-hint zip-error"' in field
    assert 'value="9721"' in field  # what was typed stays, to be corrected
    assert html.index("error-summary") < html.index('id="step-form"')
    assert "<title>Error:" in html


def test_errors_come_in_spanish_when_spanish_is_chosen(kiosk_client):
    post(kiosk_client, "/language", {"set_lang": "es", "next": "place"})
    response = post(kiosk_client, "/step/time", {"times": [], "needs_income": "", "adults": "0", "children": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<html lang="es">' in html
    assert "Elija por lo menos un horario en el que pueda ir a clases." in html
    assert "Elija sí o no." in html and "Escriba un número del 1 al 10." in html
    assert "Please" not in html and "Choose" not in html


def test_a_missing_required_choice_is_named_and_nothing_else_is_lost(kiosk_client):
    post(kiosk_client, "/step/interests", {"sectors": ["healthcare"]})
    response = post(kiosk_client, "/step/skills", {"skills": "cna", "languages": []})
    assert response.status_code == 422
    assert "Choose at least one language you can take a class in." in response.get_data(as_text=True)
    assert 'value="healthcare" checked' in kiosk_client.get("/step/interests").get_data(as_text=True)


def test_unmatched_skills_get_did_you_mean_and_the_choice_is_kept(kiosk_client):
    response = post(kiosk_client, "/step/skills", {"skills": "weldin stuf", "languages": ["en"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Did you mean?" in html
    suggestion = re.search(r'name="use_0" value="([^"]+)"', html).group(1)
    response = post(kiosk_client, "/step/skills", {"skills": "weldin stuf", "languages": ["en"],
                                                   "confirmed": "1", "use_0": suggestion})
    assert response.status_code == 303
    assert suggestion in kiosk_client.get("/step/skills").get_data(as_text=True)


def _job_choices(html):
    return re.findall(r'name="use_job" value="([^"]*)"', html)


def test_a_past_job_the_coder_is_unsure_of_gets_occupations_to_pick_and_the_pick_is_used(kiosk_app, kiosk_client):
    answers = {"skills": "", "past_job": "assembler", "languages": ["en"]}
    response = post(kiosk_client, "/step/skills", answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your last job: assembler" in html
    codes = _job_choices(html)
    assert len(codes) == 4 and codes[-1] == ""  # three occupations, and "keep what I typed"
    assert "Team Assemblers" in html
    response = post(kiosk_client, "/step/skills", {**answers, "confirmed": "1", "use_job": codes[0]})
    assert response.status_code == 303
    kept = session_of(kiosk_app, kiosk_client)["answers"]["skills"]
    assert kept["past_job"] == "assembler" and kept["past_job_code"] == codes[0]  # the words stay as typed
    page = kiosk_client.get("/step/skills").get_data(as_text=True)
    assert f'name="past_job_code" value="{codes[0]}"' in page
    # The pick is what the engine sees, and the past job is no longer listed as not understood.
    answer_all(kiosk_client, {**TRANSIT_NEEDS_INCOME, "skills": {**answers, "past_job_code": codes[0]}})
    results = kiosk_client.get("/results").get_data(as_text=True)
    assert "We could not match" not in results


def test_a_past_job_pick_holds_only_for_the_words_it_was_picked_for(kiosk_app, kiosk_client):
    answers = {"skills": "", "past_job": "assembler", "languages": ["en"]}
    codes = _job_choices(post(kiosk_client, "/step/skills", answers).get_data(as_text=True))
    post(kiosk_client, "/step/skills", {**answers, "confirmed": "1", "use_job": codes[0]})
    # The person changes the words: the page still carries the old pick, which no longer applies.
    # "teacher aide": another title the coder is unsure of, whose suggestions are not assemblers.
    response = post(kiosk_client, "/step/skills", {**answers, "past_job": "teacher aide", "past_job_code": codes[0]})
    html = response.get_data(as_text=True)
    assert "Your last job: teacher aide" in html and codes[0] not in _job_choices(html)
    response = post(kiosk_client, "/step/skills", {**answers, "past_job": "teacher aide", "past_job_code": codes[0],
                                                   "confirmed": "1"})
    assert response.status_code == 303
    assert session_of(kiosk_app, kiosk_client)["answers"]["skills"]["past_job_code"] == ""
    # A code that is not one of the suggestions for the words is never used, whatever the form says.
    response = post(kiosk_client, "/step/skills", {**answers, "past_job_code": "29-1141.00", "confirmed": "1"})
    assert session_of(kiosk_app, kiosk_client)["answers"]["skills"]["past_job_code"] == ""


def test_keep_what_i_typed_drops_an_earlier_past_job_pick(kiosk_app, kiosk_client):
    answers = {"skills": "", "past_job": "assembler", "languages": ["en"]}
    codes = _job_choices(post(kiosk_client, "/step/skills", answers).get_data(as_text=True))
    post(kiosk_client, "/step/skills", {**answers, "confirmed": "1", "use_job": codes[0]})
    post(kiosk_client, "/step/skills", {**answers, "past_job_code": codes[0], "confirmed": "1", "use_job": ""})
    assert session_of(kiosk_app, kiosk_client)["answers"]["skills"]["past_job_code"] == ""


def test_the_job_wanted_gets_the_same_did_you_mean_and_the_pick_reaches_the_list(kiosk_app, kiosk_client):
    answers = {"sectors": ["advanced_manufacturing"], "job_goal": "machine operator"}
    html = post(kiosk_client, "/step/interests", answers).get_data(as_text=True)
    assert "The job you want: machine operator" in html and "Your last job" not in html
    codes = _job_choices(html)
    assert len(codes) == 4 and codes[-1] == ""
    response = post(kiosk_client, "/step/interests", {**answers, "confirmed": "1", "use_job": codes[1]})
    assert response.status_code == 303
    kept = session_of(kiosk_app, kiosk_client)["answers"]["interests"]
    assert kept["job_goal"] == "machine operator" and kept["job_goal_code"] == codes[1]
    page = kiosk_client.get("/step/interests").get_data(as_text=True)
    assert f'name="job_goal_code" value="{codes[1]}"' in page
    answer_all(kiosk_client, {**TRANSIT_NEEDS_INCOME, "interests": {**answers, "job_goal_code": codes[1]}})
    assert "We could not match" not in kiosk_client.get("/results").get_data(as_text=True)


def test_without_a_pick_the_job_wanted_is_listed_as_not_understood(kiosk_client):
    answer_all(kiosk_client, {**TRANSIT_NEEDS_INCOME,
                              "interests": {"sectors": ["construction"], "job_goal": "machine operator"}})
    results = kiosk_client.get("/results").get_data(as_text=True)
    assert 'We could not match "machine operator".' in results


def test_a_spanish_reader_is_offered_the_occupations_by_their_spanish_titles(kiosk_app, kiosk_client):
    post(kiosk_client, "/language", {"set_lang": "es", "next": "skills"})
    answers = {"skills": "", "past_job": "assembler", "languages": ["es"]}
    html = post(kiosk_client, "/step/skills", answers).get_data(as_text=True)
    assert "Su último trabajo: assembler" in html
    assert "Ensambladores en equipo" in html and "Team Assemblers" not in html  # a written translation
    codes = _job_choices(html)
    assert "51-2092.00" in codes  # the pick is still sent as the code, whatever the title shown
    response = post(kiosk_client, "/step/skills", {**answers, "confirmed": "1", "use_job": "51-2092.00"})
    assert response.status_code == 303
    assert session_of(kiosk_app, kiosk_client)["answers"]["skills"]["past_job_code"] == "51-2092.00"
    # In English the same words get O*NET's titles.
    post(kiosk_client, "/language", {"set_lang": "en", "next": "skills"})
    html = post(kiosk_client, "/step/skills", {**answers, "past_job_code": ""}).get_data(as_text=True)
    assert "Team Assemblers" in html and "Ensambladores en equipo" not in html


def test_a_spanish_reader_picks_a_skill_by_its_spanish_name_and_it_is_understood(kiosk_app, kiosk_client):
    post(kiosk_client, "/language", {"set_lang": "es", "next": "skills"})
    answers = {"skills": "planos de construcion", "languages": ["es"]}
    html = post(kiosk_client, "/step/skills", answers).get_data(as_text=True)
    assert 'value="Lectura de planos"' in html and "Blueprint reading" not in html
    response = post(kiosk_client, "/step/skills", {**answers, "confirmed": "1", "use_0": "Lectura de planos"})
    assert response.status_code == 303
    assert session_of(kiosk_app, kiosk_client)["answers"]["skills"]["skills"] == "Lectura de planos"
    from api.kiosk.matching import resolve_free_text

    with kiosk_app.app_context():
        taxonomy = kiosk_app.extensions["matcher"].runtime.snapshot().recommender.base.taxonomy_
    resolved = resolve_free_text({"skills": {"skills": "Lectura de planos"}}, taxonomy)
    assert resolved.skill_ids == ["skill:blueprint-reading"] and resolved.unmatched == []


def test_a_picked_past_job_code_reaches_the_engine_only_among_the_suggestions(kiosk_app):
    from api.kiosk.matching import resolve_free_text

    with kiosk_app.app_context():
        taxonomy = kiosk_app.extensions["matcher"].runtime.snapshot().recommender.base.taxonomy_
    alone = resolve_free_text({"skills": {"past_job": "assembler"}}, taxonomy)
    (unsure,) = alone.unmatched
    first = unsure.suggestions[0][0]
    picked = resolve_free_text({"skills": {"past_job": "assembler", "past_job_code": first}}, taxonomy)
    assert picked.work_codes == [first] and picked.unmatched == []
    assert picked.understood == [("assembler", unsure.suggestions[0][1])]
    assert picked.picked == {"past_job"} and alone.picked == set()
    other = resolve_free_text({"skills": {"past_job": "assembler", "past_job_code": "29-1141.00"}}, taxonomy)
    assert other.work_codes == [] and [u.text for u in other.unmatched] == ["assembler"]
    assert other.picked == set()
    # Words the coder is sure of are coded as before, whatever code came with them.
    sure = resolve_free_text({"skills": {"past_job": "line cook", "past_job_code": first}}, taxonomy)
    assert sure.work_codes and first not in sure.work_codes
    assert sure.picked == set()


@pytest.fixture
def fuzz_client(make_app):
    return make_app(kiosk_secret_key="k", public_rate_limit="100000/minute").test_client()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(step=st.sampled_from(STEPS), field=st.sampled_from(["sectors", "job_goal", "skills", "past_job", "education",
                                                           "languages", "zip", "travel", "online_ok", "times",
                                                           "hours", "needs_income", "adults", "children",
                                                           "barriers", "use_0", "use_job", "past_job_code",
                                                           "job_goal_code",
                                                           "set_lang", "next"]),
       value=st.one_of(st.text(max_size=300), st.text(alphabet="<>&\"'\x00\x1b\u202e ", max_size=40),
                       st.just("9" * 5000)))
def test_no_input_makes_a_page_error(fuzz_client, step, field, value):
    kiosk_client = fuzz_client
    token = csrf_token(kiosk_client)
    response = kiosk_client.post(f"/step/{step}", data={"csrf_token": token, field: value, "confirmed": "1"})
    assert response.status_code in (200, 303, 413, 422), response.status_code
    if response.status_code != 303:
        assert response.mimetype == "text/html"
    assert kiosk_client.get(f"/step/{step}").status_code == 200


def test_a_body_over_the_limit_is_a_friendly_413_page(kiosk_client):
    token = csrf_token(kiosk_client)
    response = kiosk_client.post("/step/skills", data={"csrf_token": token, "skills": "x" * 70_000})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "That is too much text" in response.get_data(as_text=True)


# ---------------------------------------------------------------------- security


def test_a_post_without_the_csrf_token_is_refused_with_a_page_not_a_trace(kiosk_client):
    kiosk_client.get("/")
    response = kiosk_client.post("/step/place", data={"zip": "97217", "travel": "transit"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "This page has expired" in response.get_data(as_text=True)
    assert session_of(kiosk_client.application, kiosk_client).get("answers") is None
    response = kiosk_client.post("/step/place", data={"csrf_token": "forged", "zip": "97217"})
    assert response.status_code == 400


def test_a_token_from_another_browser_does_not_work(kiosk_app):
    one, other = kiosk_app.test_client(), kiosk_app.test_client()
    token = csrf_token(one)
    csrf_token(other)
    assert post(other, "/step/place", {"zip": "97217"}, token=token).status_code == 400


def test_a_skill_typed_as_script_shows_as_text(kiosk_client):
    answers = {**TRANSIT_NEEDS_INCOME, "skills": {**TRANSIT_NEEDS_INCOME["skills"],
                                                  "skills": "<script>alert(1)</script>, <img src=x onerror=alert(2)>"}}
    answer_all(kiosk_client, answers)
    for path in ("/step/skills", "/results", "/print"):
        html = kiosk_client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


@pytest.mark.parametrize("path", [*PAGES, "/results", "/no-such-page"])
def test_every_page_has_the_csp_no_store_and_no_inline_script_or_style(kiosk_client, path):
    answer_all(kiosk_client)
    response = kiosk_client.get(path)
    html = response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html) and "<style" not in html, "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_the_cookie_is_encrypted_httponly_secure_and_samesite_strict(kiosk_client):
    post(kiosk_client, "/step/place", {"zip": "97217", "travel": ["transit"], "online_ok": "yes"})
    header = kiosk_client.get("/step/time").headers["Set-Cookie"]
    assert header.startswith("kiosk=") and "HttpOnly" in header and "Secure" in header
    assert "SameSite=Strict" in header and "Expires" not in header and "Max-Age" not in header
    raw = kiosk_client.get_cookie("kiosk").value
    assert "97217" not in raw and "transit" not in raw  # encrypted, not only signed
    assert session_of(kiosk_client.application, kiosk_client)["answers"]["place"]["zip"] == "97217"


def test_api_errors_stay_json_while_kiosk_errors_are_pages(kiosk_client):
    api = kiosk_client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.get_json()["error"] == "not_found"
    assert "Content-Security-Policy" not in api.headers
    assert kiosk_client.delete("/api/v1/healthz").get_json()["error"] == "method_not_allowed"
    page = kiosk_client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html" and "Page not found" in page.get_data(as_text=True)
    page = kiosk_client.get("/start-over")
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert "Set-Cookie" not in kiosk_client.get("/api/v1/healthz").headers  # the API sets no cookie


def test_kiosk_pages_are_in_spanish_for_a_spanish_browser_until_the_person_chooses(kiosk_client):
    html = kiosk_client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in html and "Encuentre la capacitación laboral que le conviene" in html
    post(kiosk_client, "/language", {"set_lang": "en", "next": "welcome"})
    html = kiosk_client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="en">' in html


# ---------------------------------------------------------------------- nothing kept


def test_answering_stores_nothing_and_logs_nothing_personal(kiosk_app, kiosk_client, capsys):
    kiosk_client.get("/")
    kiosk_app.extensions["matcher"].runtime.snapshot()  # the schema exists from here on
    before = dump_database(kiosk_app)
    assert "kiosk_saved_lists" in before
    answers = {**TRANSIT_NEEDS_INCOME, "skills": {**TRANSIT_NEEDS_INCOME["skills"], "skills": "zebra grooming"},
               "interests": {"sectors": ["healthcare"], "job_goal": "dolphin trainer"}}
    answer_all(kiosk_client, answers)
    kiosk_client.get("/results")
    kiosk_client.get("/print")
    assert dump_database(kiosk_app) == before
    logs = capsys.readouterr().err
    assert '"route": "/step/<name>"' in logs
    for secret in ("97217", "zebra", "dolphin", "childcare", "transportation", "transit", "needs_income"):
        assert secret not in logs, secret


def test_no_answer_ever_travels_in_a_url(kiosk_client):
    kiosk_client.get("/")
    locations = []
    for step, data in TRANSIT_NEEDS_INCOME.items():
        response = post(kiosk_client, f"/step/{step}", data)
        if response.status_code == 200:
            response = post(kiosk_client, f"/step/{step}", {**data, "confirmed": "1"})
        locations.append(response.headers["Location"])
    assert locations == ["/step/skills", "/step/place", "/step/time", "/step/private", "/results"]
    html = kiosk_client.get("/results").get_data(as_text=True)
    for url in re.findall(r'(?:href|action|src)="([^"]+)"', html):
        assert "?" not in url or url.startswith("/kiosk-static"), url


def test_start_over_deletes_the_cookie_and_tells_the_browser_to_clear_the_site(kiosk_app, kiosk_client):
    answer_all(kiosk_client)
    response = kiosk_client.post("/start-over")
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert kiosk_client.get_cookie("kiosk") is None
    assert kiosk_client.get("/results").status_code == 303  # nothing to show


def _clock_forward(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Every later reading of the clock (the cookie's age among them) is ``seconds`` later."""
    import time as time_module

    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + seconds)


def test_answers_older_than_the_inactivity_limit_are_gone_even_without_a_page_load(make_app, monkeypatch):
    app = make_app(kiosk_secret_key="k", kiosk_reset_minutes=5)
    client = app.test_client()
    answer_all(client)
    _clock_forward(monkeypatch, 5 * 60 + 2)
    response = client.get("/results")
    assert response.status_code == 303  # the cookie is read as empty: nothing answered
    html = client.get("/step/interests").get_data(as_text=True)
    assert 'checked' not in html.split('id="step-form"')[1].split("</form>")[0]


def test_the_timeout_page_says_answers_were_cleared_when_the_cookie_just_expired(make_app, monkeypatch):
    """The page's timer and the cookie's limit are the same length: the script can arrive a moment late."""
    app = make_app(kiosk_secret_key="k", kiosk_reset_minutes=5)
    client = app.test_client()
    answer_all(client)
    _clock_forward(monkeypatch, 5 * 60 + 2)
    response = client.get("/timeout")
    assert response.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "cleared because the screen was not used" in page
    assert client.get_cookie("kiosk") is None or session_of(app, client).get("answers") is None


def test_the_timeout_page_says_nothing_was_cleared_when_nothing_was_answered(make_app, monkeypatch):
    app = make_app(kiosk_secret_key="k", kiosk_reset_minutes=5)
    client = app.test_client()
    client.get("/")  # a cookie with no answers (the language, the CSRF secret)
    _clock_forward(monkeypatch, 5 * 60 + 2)
    client.get("/timeout")
    assert "cleared because the screen was not used" not in client.get("/").get_data(as_text=True)


def test_the_engine_resolver_never_sees_typed_text(kiosk_app, kiosk_client):
    """The kiosk resolves free text itself: the engine's per-worker phrase cache holds ids and codes only."""
    answers = {**TRANSIT_NEEDS_INCOME, "skills": {**TRANSIT_NEEDS_INCOME["skills"], "skills": "forklift, welding",
                                                  "past_job": "line cook"},
               "interests": {"sectors": [], "job_goal": "electrician"}}
    answer_all(kiosk_client, answers)
    kiosk_client.get("/results")
    resolver = kiosk_app.extensions["matcher"].runtime.snapshot().recommender.base.resolver_
    assert resolver._skill.cache_info().currsize == 0
    occupation_keys = resolver._occupation.cache_info().currsize
    assert occupation_keys <= 2  # the codes of "line cook" and "electrician", never the words


# ---------------------------------------------------------------------- next steps


def test_show_this_to_a_coach_keeps_only_program_ids_unless_the_person_saves_answers(kiosk_app, kiosk_client):
    answer_all(kiosk_client)
    response = post(kiosk_client, "/coach", {"confirm": "1", "save_answers": "no"})
    html = response.get_data(as_text=True)
    code = re.search(r'<p class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})</p>', html).group(1)
    rows = dump_database(kiosk_app)["kiosk_saved_lists"]
    assert len(rows) == 1 and rows[0][-1] is None  # answers: NULL
    assert rows[0][1] == dt.date.today().isoformat() or str(rows[0][1]) == dt.date.today().isoformat()
    stored = kiosk_app.extensions["kiosk"].store.saved_list(code)
    assert stored.answers is None and len(stored.program_ids) == 5
    response = post(kiosk_client, "/coach", {"confirm": "1", "save_answers": "yes"})
    code2 = re.search(r'<p class="code"[^>]*>([A-Z0-9-]+)</p>', response.get_data(as_text=True)).group(1)
    saved = kiosk_app.extensions["kiosk"].store.saved_list(code2)
    assert saved.answers is not None and saved.answers.zip == "97217"


def test_a_coach_reads_a_saved_list_by_code_and_it_is_recreated_from_saved_answers(kiosk_app, kiosk_client, tokens):
    answer_all(kiosk_client)
    shown = re.findall(r'name="program" value="([^"]+)"', kiosk_client.get("/results").get_data(as_text=True))
    response = post(kiosk_client, "/coach", {"confirm": "1", "save_answers": "yes"})
    code = re.search(r'<p class="code"[^>]*>([A-Z0-9-]+)</p>', response.get_data(as_text=True)).group(1)
    assert kiosk_client.get(f"/api/v1/kiosk/lists/{code}").status_code == 401
    body = kiosk_client.get(f"/api/v1/kiosk/lists/{code}", headers={"Authorization": tokens["coach"]}).get_json()
    assert [p["program_id"] for p in body["programs"]] == list(dict.fromkeys(shown))
    recreated = [r["program_id"] for r in body["recreated"]["recommendations"]["items"]]
    assert recreated[:5] == [p["program_id"] for p in body["programs"]]
    audit = kiosk_app.extensions["matcher"].audit.entries(action="kiosk.list.read")
    assert len(audit) == 1 and audit[0].subject == code.replace("-", "")


def test_a_contact_request_needs_consent_then_reaches_the_coach_api(kiosk_app, kiosk_client, tokens):
    answer_all(kiosk_client)
    form = post(kiosk_client, "/contact", {"program": "pdx-con-020"})
    assert form.status_code == 200 and "I agree that a career coach" in form.get_data(as_text=True)
    details = {"program": "pdx-con-020", "name": "Ana", "contact_method": "text", "phone": "503-555-0123",
               "send": "1"}
    refused = post(kiosk_client, "/contact", details)
    assert refused.status_code == 422
    assert "tick the box to say a coach may contact you" in refused.get_data(as_text=True)
    assert dump_database(kiosk_app)["kiosk_contact_requests"] == []
    bad = post(kiosk_client, "/contact", {**details, "phone": "12", "consent": "yes"})
    assert bad.status_code == 422 and "A phone number has 10 digits" in bad.get_data(as_text=True)
    sent = post(kiosk_client, "/contact", {**details, "consent": "yes"})
    assert sent.status_code == 200 and "Your request was sent" in sent.get_data(as_text=True)
    listed = kiosk_client.get("/api/v1/kiosk/contact-requests", headers={"Authorization": tokens["coach"]})
    requests = listed.get_json()["requests"]
    assert len(requests) == 1
    request = requests[0]
    assert (request["name"], request["phone"], request["contact_method"]) == ("Ana", "503-555-0123", "text")
    assert request["program_id"] == "pdx-con-020" and request["answers_saved"] is False
    assert "I agree that a career coach" in request["consent"] and request["status"] == "open"
    assert kiosk_client.get("/api/v1/kiosk/contact-requests").status_code == 401
    assert kiosk_client.get("/api/v1/kiosk/contact-requests",
                            headers={"Authorization": tokens["evaluator"]}).status_code == 403
    one = kiosk_client.get(f"/api/v1/kiosk/contact-requests/{request['id']}",
                           headers={"Authorization": tokens["coach"]}).get_json()
    assert one["recreated"] is None
    closed = kiosk_client.post(f"/api/v1/kiosk/contact-requests/{request['id']}/close",
                               headers={"Authorization": tokens["coach"]}).get_json()
    assert closed["request"]["status"] == "closed"
    assert kiosk_client.delete(f"/api/v1/kiosk/contact-requests/{request['id']}",
                               headers={"Authorization": tokens["coach"]}).status_code == 403
    assert kiosk_client.delete(f"/api/v1/kiosk/contact-requests/{request['id']}",
                               headers={"Authorization": tokens["admin"]}).status_code == 200
    assert dump_database(kiosk_app)["kiosk_contact_requests"] == []
    actions = [e.action for e in kiosk_app.extensions["matcher"].audit.entries()]
    assert {"kiosk.contact.list", "kiosk.contact.read", "kiosk.contact.close", "kiosk.contact.erase"} <= set(actions)


def test_a_contact_request_with_shared_answers_lets_the_coach_see_the_list(kiosk_app, kiosk_client, tokens):
    answer_all(kiosk_client)
    post(kiosk_client, "/contact", {"name": "Luis", "contact_method": "email", "email": "luis@example.com",
                                    "consent": "yes", "include_answers": "yes", "send": "1"})
    request = kiosk_app.extensions["kiosk"].store.contact_requests()[0]
    assert request.answers is not None and "no_car" in [b.value for b in request.answers.barriers]
    body = kiosk_client.get(f"/api/v1/kiosk/contact-requests/{request.id}?language=es",
                            headers={"Authorization": tokens["coach"]}).get_json()
    assert len(body["recreated"]["recommendations"]["items"]) == 10


def test_saved_lists_and_contact_requests_expire(kiosk_app):
    store = kiosk_app.extensions["kiosk"].store
    saved = store.save_list(["a"], catalog_version=1, language="en", today=dt.date(2026, 1, 1))
    assert store.saved_list(saved.code, today=dt.date(2026, 1, 31)).code == saved.code
    with pytest.raises(Exception, match="may have expired"):
        store.saved_list(saved.code, today=dt.date(2026, 2, 1))


def test_the_coach_api_routes_are_for_coaches_and_admins(kiosk_app):
    for _methods, rule, endpoint, access in route_table(kiosk_app):
        if endpoint.startswith("kiosk_api."):
            assert access is not None and not access.public, rule
            assert access.roles <= {Role.COACH, Role.ADMIN}, rule


def test_every_page_can_switch_language_and_the_code_page_keeps_its_code(kiosk_client):
    answer_all(kiosk_client)
    pages = {path: kiosk_client.get(path).get_data(as_text=True)
             for path in [*PAGES, "/results", "/print", "/no-such-page"]}
    pages["coach"] = post(kiosk_client, "/coach", {}).get_data(as_text=True)
    code_page = post(kiosk_client, "/coach", {"confirm": "1", "save_answers": "no"}).get_data(as_text=True)
    pages["code"] = code_page
    pages["contact"] = post(kiosk_client, "/contact", {}).get_data(as_text=True)
    pages["sent"] = post(kiosk_client, "/contact", {"name": "Ana", "contact_method": "phone",
                                                     "phone": "5035550123", "consent": "yes",
                                                     "send": "1"}).get_data(as_text=True)
    missing = [name for name, html in pages.items() if 'name="set_lang" value="es"' not in html]
    assert missing == []
    code = re.search(r'<p class="code"[^>]*>([A-Z0-9-]+)</p>', code_page).group(1)
    spanish = post(kiosk_client, "/coach", {"code": code, "set_lang": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in spanish and f">{code}</p>" in spanish and "Su código es:" in spanish
