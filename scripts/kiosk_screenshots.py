"""Screenshots of every kiosk step and the results, desktop and phone size, English and Spanish (docs/kiosk/).

    python scripts/kiosk_screenshots.py [--out docs/kiosk]

Starts the app on a free local port (a throw-away SQLite database, the sample
catalog), fills the form as a person would in Debian's Chromium
(``/usr/bin/chromium``, driven by Playwright) and saves full-page PNGs named
``<lang>-<size>-<nn>-<page>.png``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}

#: One person's answers, typed into the form (the same in both languages: the words are the kiosk's).
PERSON = {
    "sectors": ["construction", "clean_energy"],
    "skills": "forklift, OSHA 10, customer service",
    "past_job": "assembler",  # a title the coder is unsure of: "did you mean" offers occupations
    "zip": "97217",
    "travel": ["transit"],
    "times": ["day", "evening"],
    "barriers": ["childcare", "transportation"],
}


def serve(app: object) -> tuple[str, object]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def fill(page: object, base: str, lang: str, shot: object) -> None:
    p = page
    p.goto(f"{base}/?lang={lang}")  # type: ignore[attr-defined]
    shot("01-welcome")
    p.click("a.button.big")  # type: ignore[attr-defined]
    for value in PERSON["sectors"]:
        p.check(f"#sectors-{value}")  # type: ignore[attr-defined]
    shot("02-interests")
    p.click("button[name=next]")  # type: ignore[attr-defined]
    p.fill("#skills-field", PERSON["skills"])  # type: ignore[attr-defined]
    p.fill("#past_job-field", PERSON["past_job"])  # type: ignore[attr-defined]
    p.check("#education-hs_diploma_or_ged")  # type: ignore[attr-defined]
    p.check(f"#languages-{'es' if lang == 'es' else 'en'}")  # type: ignore[attr-defined]
    shot("03-skills")
    p.click("button[name=next]")  # type: ignore[attr-defined]
    if p.locator(".did-you-mean").count():  # type: ignore[attr-defined]
        shot("03b-did-you-mean")
        if p.locator("#use-job-1").count():  # type: ignore[attr-defined]
            p.check("#use-job-1")  # type: ignore[attr-defined]  # the first occupation offered for the last job
        p.click("button[name=next]")  # type: ignore[attr-defined]
    p.fill("#zip-field", "9721")  # type: ignore[attr-defined]
    p.click("button[name=next]")  # type: ignore[attr-defined]
    shot("04-place-error")
    p.fill("#zip-field", PERSON["zip"])  # type: ignore[attr-defined]
    for value in PERSON["travel"]:
        p.check(f"#travel-{value}")  # type: ignore[attr-defined]
    shot("05-place")
    p.click("button[name=next]")  # type: ignore[attr-defined]
    for value in PERSON["times"]:
        p.check(f"#times-{value}")  # type: ignore[attr-defined]
    p.check("#needs_income-yes")  # type: ignore[attr-defined]
    p.fill("#children-field", "2")  # type: ignore[attr-defined]
    shot("06-time")
    p.click("button[name=next]")  # type: ignore[attr-defined]
    for value in PERSON["barriers"]:
        p.check(f"#barriers-{value}")  # type: ignore[attr-defined]
    shot("07-private")
    p.click("button[name=next]")  # type: ignore[attr-defined]
    p.wait_for_selector("article.card")  # type: ignore[attr-defined]
    shot("08-results")
    p.click("article.card >> text=" + ("Mostrar esto a un consejero" if lang == "es" else "Show this to a coach"))  # type: ignore[attr-defined]
    shot("09-coach")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "kiosk")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from api import create_app

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"sqlite_path": str(Path(tmp) / "kiosk.db"), "reload_check_seconds": 60.0,
                          "log_level": "WARNING"})
        base, server = serve(app)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for lang in ("en", "es"):
                    for size, viewport in SIZES.items():
                        context = browser.new_context(viewport=viewport, locale=lang,
                                                      device_scale_factor=1, is_mobile=size == "phone",
                                                      has_touch=size == "phone")
                        page = context.new_page()

                        def shot(name: str, page: object = page, lang: str = lang, size: str = size) -> None:
                            path = args.out / f"{lang}-{size}-{name}.png"
                            page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
                            print(path)

                        fill(page, base, lang, shot)
                        context.close()
                browser.close()
        finally:
            server.shutdown()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
