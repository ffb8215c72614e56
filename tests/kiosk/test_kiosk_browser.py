"""The kiosk in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), used with the
keyboard only: both languages, results that respect the answers, switching language mid-way, start over,
the inactivity reset, and an axe-core check of every step and the results at phone and desktop size.

Skipped, saying why, only where Chromium or Playwright cannot be had (.ci/run installs both).
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest
from kiosk_fixtures import DESKTOP, PHONE

from matcher.geo import zip_point
from matcher.records import Delivery, Support

pytestmark = pytest.mark.slow

#: A person with no car who rides transit, needs income while training, and has two children.
TRANSIT = {
    "sectors": ["construction", "clean_energy", "advanced_manufacturing"],
    "skills": "forklift, customer service",
    "zip": "97217",
    "travel": ["transit"],
    "times": ["day", "evening"],
    "needs_income": "yes",
    "children": "2",
    "barriers": ["childcare", "transportation"],
}
TRANSIT_MILES = 15.0  # EngineConfig's default transit range
TRANSIT_LINE_FACTOR = 1.5
TRANSPORT_HELP_MILES = 40.0


# ---------------------------------------------------------------------- keyboard only


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until ``selector`` has the focus (so it can be reached by keyboard), or fail."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def check(page: Any, selector: str) -> None:
    tab_to(page, selector)
    if not page.is_checked(selector):
        page.keyboard.press("Space")
    assert page.is_checked(selector)


def choose_radio(page: Any, name: str, value: str) -> None:
    """Tab into a radio group, then arrow keys to the wanted answer (as a keyboard user does)."""
    tab_to(page, f"input[type=radio][name={name}]")
    for _ in range(12):
        if page.is_checked(f"#{name}-{value}"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {name}={value} with the arrow keys")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def submit(page: Any, selector: str = "button[name=next]") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def fill_by_keyboard(page: Any, base: str, answers: dict[str, Any], *, lang: str = "en") -> None:
    page.goto(base + "/")
    if page.get_attribute("html", "lang") != lang:
        tab_to(page, f"button[name=set_lang][value={lang}]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_attribute("html", "lang") == lang
    tab_to(page, "a.button.big")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for value in answers["sectors"]:
        check(page, f"#sectors-{value}")
    submit(page)
    type_into(page, "#skills-field", answers["skills"])
    choose_radio(page, "education", "hs_diploma_or_ged")
    check(page, f"#languages-{lang if lang in ('en', 'es') else 'en'}")
    submit(page)
    if page.locator(".did-you-mean").count():
        submit(page)
    type_into(page, "#zip-field", answers["zip"])
    for value in answers["travel"]:
        check(page, f"#travel-{value}")
    submit(page)
    for value in answers["times"]:
        check(page, f"#times-{value}")
    choose_radio(page, "needs_income", answers["needs_income"])
    type_into(page, "#children-field", answers["children"])
    submit(page)
    for value in answers["barriers"]:
        check(page, f"#barriers-{value}")
    submit(page)
    page.wait_for_selector("article.card")


def shown(page: Any) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        "article.card", "cards => cards.map(c => ({id: c.dataset.program, paid: c.dataset.paid === '1', "
                        "text: c.innerText}))")


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(h))


def assert_within_transit_reach(server: Any, cards: list[dict[str, Any]], start_words: str) -> None:
    """Every program shown is online, within transit reach, or kept by transportation help it names."""
    catalog = server.app.extensions["matcher"].runtime.snapshot().catalog
    home = zip_point(TRANSIT["zip"])
    assert home is not None and cards
    for card in cards:
        program = catalog.get(card["id"])
        loc = program.location
        if loc.delivery is Delivery.ONLINE:
            continue
        place = (loc.latitude, loc.longitude) if loc.latitude is not None else zip_point(loc.zip)
        assert place is not None, program.id
        miles = miles_between(home, place)
        reach = TRANSIT_MILES * (TRANSIT_LINE_FACTOR if loc.transit_access else 1.0)
        if miles <= reach * 1.01:
            continue
        assert Support.TRANSPORTATION in program.supports and miles <= TRANSPORT_HELP_MILES * 1.01, \
            (program.id, round(miles, 1), reach)
        assert start_words in card["text"], program.id  # said on the card, with the help that makes it reachable


def test_english_keyboard_only_results_respect_transit_and_income(live_kiosk, new_page):
    page = new_page()
    fill_by_keyboard(page, live_kiosk.url, TRANSIT)
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Your matches"
    cards = shown(page)
    assert len(cards) == 5
    assert_within_transit_reach(live_kiosk, cards, "What it takes to start")
    paid = [c["paid"] for c in cards]
    assert paid[0] and paid == sorted(paid, reverse=True), paid  # paid options first
    assert "Paid options" in page.inner_text("main")  # and the list says why


def test_without_needing_income_paid_options_are_not_pushed_first(live_kiosk, new_page):
    page = new_page()
    fill_by_keyboard(page, live_kiosk.url, {**TRANSIT, "needs_income": "no"})
    with_income = new_page()
    fill_by_keyboard(with_income, live_kiosk.url, TRANSIT)
    assert sum(c["paid"] for c in shown(with_income)) >= sum(c["paid"] for c in shown(page))
    assert "Paid options" not in page.inner_text("main")


def test_a_past_job_is_picked_from_did_you_mean_by_keyboard(live_kiosk, new_page):
    page = new_page()
    page.goto(live_kiosk.url + "/step/skills")
    type_into(page, "#past_job-field", "assembler")
    check(page, "#languages-en")
    submit(page)
    box = page.inner_text(".did-you-mean")
    assert "Your last job: assembler" in box and "Team Assemblers" in box
    label = page.inner_text("label[for=use-job-1]")
    tab_to(page, "input[type=radio][name=use_job]")  # into the group, then the arrow keys, as a keyboard user does
    for _ in range(6):
        if page.is_checked("#use-job-1"):
            break
        page.keyboard.press("ArrowDown")
    assert page.is_checked("#use-job-1")
    submit(page)
    assert page.url.endswith("/step/place")
    page.goto(live_kiosk.url + "/step/skills")
    assert page.input_value("#past_job-field") == "assembler"  # the words stay as typed, the pick beside them
    code = page.get_attribute("input[name=past_job_code]", "value")
    assert code and code[2] == "-" and label  # an O*NET-SOC code, picked by its name


def test_spanish_keyboard_only(live_kiosk, new_page):
    page = new_page(viewport=PHONE)  # an English browser: the person presses "Español"
    fill_by_keyboard(page, live_kiosk.url, TRANSIT, lang="es")
    assert page.get_attribute("html", "lang") == "es"
    assert page.inner_text("h1") == "Sus opciones"
    text = page.inner_text("main")
    assert "Por qué le conviene" in text and "Mostrar esto a un consejero" in text
    assert "Why it fits you" not in text and "Show this to a coach" not in text
    # The engine's own sentences (reasons, supports, checks, notes) are Spanish too.
    assert "durante la capacitación" in text and "Las opciones pagadas" in text
    for english in ("during training", "of students", "Offers ", "The program offers", "check you can",
                    "Paid options", "would open", "Tuition", "miles from you"):
        assert english not in text, english
    cards = shown(page)
    assert_within_transit_reach(live_kiosk, cards, "Lo que necesita para empezar")
    assert cards[0]["paid"]


def test_switching_language_mid_way_keeps_every_answer(live_kiosk, new_page):
    page = new_page()
    page.goto(live_kiosk.url + "/step/interests")
    check(page, "#sectors-healthcare")
    check(page, "#sectors-early_learning")
    submit(page)
    type_into(page, "#skills-field", "CPR, customer service")  # typed, not yet saved
    check(page, "#languages-en")
    tab_to(page, "button[name=set_lang][value=es]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == "es"
    assert page.inner_text("h1") == "Lo que sabe hacer"
    assert page.input_value("#skills-field") == "CPR, customer service"
    assert page.is_checked("#languages-en")
    submit(page, "button[name=back]")
    assert page.inner_text("h1") == "Lo que le interesa"
    assert page.is_checked("#sectors-healthcare") and page.is_checked("#sectors-early_learning")
    tab_to(page, "button[name=set_lang][value=en]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("h1") == "What interests you" and page.is_checked("#sectors-healthcare")


def test_switching_language_on_the_results_page_keeps_the_list(live_kiosk, new_page):
    page = new_page()
    fill_by_keyboard(page, live_kiosk.url, TRANSIT)
    before = [c["id"] for c in shown(page)]
    tab_to(page, "button[name=set_lang][value=es]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.inner_text("h1") == "Sus opciones"
    assert [c["id"] for c in shown(page)] == before


def _answers_in_cookies(server: Any, context: Any) -> list[Any]:
    found = []
    for cookie in context.cookies():
        if cookie["name"] != "kiosk":
            found.append(cookie["name"])
            continue
        payload = json.loads(server.app.session_interface.fernet.decrypt(cookie["value"].encode("ascii")))
        if payload.get("answers"):
            found.append(payload["answers"])
    return found


def test_start_over_leaves_nothing_in_history_storage_or_cookies(live_kiosk, new_page):
    page = new_page()
    urls: list[str] = []
    page.on("framenavigated", lambda frame: urls.append(frame.url))
    fill_by_keyboard(page, live_kiosk.url, TRANSIT)
    assert _answers_in_cookies(live_kiosk, page.context)  # the answers were there, encrypted, until now
    tab_to(page, "header button.warning")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_kiosk.url + "/"
    assert _answers_in_cookies(live_kiosk, page.context) == []
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length]")
    assert storage == [0, 0]
    # Nothing personal in any address the browser visited (its history).
    for url in urls:
        for secret in ("97217", "forklift", "transit", "childcare", "construction"):
            assert secret not in url, url
    # Going back through the history shows blank pages: nothing comes back.
    for _ in range(8):
        try:
            page.go_back()
        except Exception:  # noqa: BLE001 - the start of the history
            break
        typed = page.eval_on_selector_all("input[type=text], input:not([type]), textarea",
                                          "els => els.map(e => e.value).filter(v => v && v !== '1' && v !== '0')")
        assert typed == [], (page.url, typed)
        checked = page.eval_on_selector_all("input:checked", "els => els.map(e => e.id)")
        assert set(checked) <= {"online_ok-yes"}, (page.url, checked)  # only the defaults
        assert page.locator("article.card").count() == 0


def test_inactivity_warns_then_clears_everything(make_live_kiosk, new_page):
    server = make_live_kiosk(kiosk_reset_minutes=0.1)  # 6 seconds: warned at 3, cleared at 6
    page = new_page()
    page.goto(server.url + "/step/interests")
    check(page, "#sectors-construction")
    submit(page)
    assert _answers_in_cookies(server, page.context)
    page.wait_for_selector("#idle-warning:not([hidden])", timeout=8000)
    assert page.evaluate("() => document.activeElement.id") == "idle-stay"
    page.keyboard.press("Enter")  # "I am still here"
    assert page.is_hidden("#idle-warning")
    page.wait_for_url(server.url + "/", timeout=15000)
    assert "cleared because the screen was not used" in page.inner_text("main")
    assert _answers_in_cookies(server, page.context) == []
    page.goto(server.url + "/step/interests")
    assert not page.is_checked("#sectors-construction")


def test_inactivity_clears_everything_without_javascript_too(make_live_kiosk, new_page):
    server = make_live_kiosk(kiosk_reset_minutes=0.05)  # 3 seconds, by the page's meta refresh
    page = new_page(javascript=False)
    page.goto(server.url + "/step/interests")
    page.check("#sectors-construction")
    with page.expect_navigation():
        page.click("button[name=next]")
    started = time.monotonic()
    page.wait_for_url(server.url + "/", timeout=15000)
    assert time.monotonic() - started < 12
    assert _answers_in_cookies(server, page.context) == []


# ---------------------------------------------------------------------- accessibility (axe-core)


def _serious(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                              "wcag21aa", "wcag22aa",
                                                                              "best-practice"]}})
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_no_serious_accessibility_violations_on_any_page(live_kiosk, new_page, lang, size):
    page = new_page(viewport=PHONE if size == "phone" else DESKTOP, locale=lang)
    base = live_kiosk.url
    found: dict[str, list[dict[str, Any]]] = {}

    def audit(name: str) -> None:
        found[name] = _serious(page)

    page.goto(f"{base}/?lang={lang}")
    audit("welcome")
    page.goto(f"{base}/step/interests")
    audit("interests")
    page.click("button[name=next]")
    page.wait_for_selector("#skills-field")
    audit("skills")
    page.fill("#skills-field", "weldin stuf")
    page.click("button[name=next]")  # nothing chosen for languages: an error summary
    page.wait_for_selector("#error-summary")
    audit("skills-error")
    page.check(f"#languages-{lang}")
    page.click("button[name=next]")
    page.wait_for_selector(".did-you-mean")
    audit("skills-did-you-mean")
    page.click("button[name=next]")
    page.wait_for_selector("#zip-field")
    audit("place")
    page.fill("#zip-field", "97")
    page.click("button[name=next]")
    page.wait_for_selector("#error-summary")
    audit("place-error")
    page.fill("#zip-field", "97217")
    page.check("#travel-transit")
    page.click("button[name=next]")
    page.wait_for_selector("#times-field")
    audit("time")
    page.check("#times-day")
    page.check("#needs_income-yes")
    page.click("button[name=next]")
    page.wait_for_selector("#barriers-field")
    audit("private")
    page.check("#barriers-childcare")
    page.click("button[name=next]")
    page.wait_for_selector("article.card")
    audit("results")
    page.goto(f"{base}/print")
    audit("print")
    page.goto(f"{base}/results")
    page.click("article.card .card-actions button.primary")
    page.wait_for_selector("input[name=save_answers]")
    audit("coach")
    page.goto(f"{base}/results")
    page.click("article.card .card-actions button.secondary")
    page.wait_for_selector("#name-field")
    audit("contact")
    page.goto(f"{base}/no-such-page")
    audit("not-found")
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pages_fit_320_px_and_200_percent_zoom_without_sideways_scrolling(live_kiosk, new_page, lang):
    # 200% zoom of a 640 px window is a 320 CSS px viewport: the WCAG reflow case.
    page = new_page(viewport={"width": 320, "height": 640}, locale=lang)
    page.goto(f"{live_kiosk.url}/?lang={lang}")
    for path in ("/", "/step/interests", "/step/skills", "/step/place", "/step/time", "/step/private"):
        page.goto(live_kiosk.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
        small = page.eval_on_selector_all(
            "button, a.button, .option label",
            "els => els.filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect())"
            ".filter(r => r.height < 44 || r.width < 44).length")
        assert small == 0, (path, "touch targets under 44 px")


def test_focus_is_visible_on_every_control(live_kiosk, new_page):
    page = new_page()
    page.goto(live_kiosk.url + "/step/interests")
    for _ in range(14):
        page.keyboard.press("Tab")
        style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                              "const l = document.activeElement.matches('input[type=checkbox], input[type=radio]') ?"
                              " getComputedStyle(document.activeElement.nextElementSibling) : s; "
                              "return [l.outlineStyle, l.outlineWidth, document.activeElement.tagName]; }")
        assert style[0] != "none" and style[1] != "0px", style


def test_the_accessibility_check_does_catch_a_violation(live_kiosk, new_page):
    """The axe check above can fail: the same call flags an unlabelled field and poor contrast."""
    page = new_page()
    page.goto(live_kiosk.url + "/step/interests")
    page.evaluate("() => { const i = document.createElement('input'); document.querySelector('main').append(i); "
                  "document.querySelector('h1').classList.add('button', 'secondary'); "
                  "document.querySelector('h1').setAttribute('role', 'button'); }")
    ids = {v["id"] for v in _serious(page)}
    assert "label" in ids
