"""Reading level of the kiosk's English: Flesch-Kincaid grade (and Flesch reading ease) with textstat.

    python3 -m venv /tmp/ts && /tmp/ts/bin/pip install -q "textstat==0.7.3"   # a separate environment (below)
    PYTHONPATH=/tmp/ts/lib/python3.11/site-packages .venv/bin/python scripts/kiosk_readability.py

Measures three texts: (1) every sentence of the kiosk's own pages (its message catalog's English), (2) the
library's sentences a results page can show (the engine's catalog: reasons, blockers, checks, notes,
openings; placeholders filled with typical words), and (3) the visible text of real results pages for
three typical people, rendered by the app. textstat is not in the [test] extra: it installs a top-level
``tests`` package that hides this repository's own ``tests`` folder. Version 0.7.3 counts syllables with
pyphen's shipped dictionaries; later versions download NLTK's cmudict at run time, which this machine
cannot.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILL = {"title": "electrician", "work": "cook", "wanted": "electrician", "wage": "$20", "amount": "$1,200",
        "skill": "forklift", "skills": "forklift and CPR", "count": "3", "have": "2", "support": "a bus pass",
        "sector": "construction", "kind": "apprenticeship", "language": "Spanish", "languages": "English",
        "programs": "12 more programs", "time": "evening", "times": "evening", "hours": "20", "miles": "20",
        "place": "Lane County", "county": "Lane", "records": "felonies", "years": "7", "screens": "",
        "age": "18", "ages": "16-24", "need": "8", "schooling": "a GED", "what": "a laptop",
        "access": "a phone", "demand": "heavy", "median": "$25", "target": "$30", "goal": "your target",
        "jobs": "Jobs start at $20", "completion": "80%", "placement": "70%", "distance": "About 3 miles",
        "zip": "97217", "problem": "Needs a license", "remedy": "the program helps", "credential": "CNA",
        "provider": "PCC", "rank": "2", "why": "it has programs above it", "n": "5", "total": "5", "num": "3",
        "date": "March 1", "days": "30", "minutes": "5", "low": "1", "high": "10", "text": "forklift",
        "names": "Forklift", "code": "K7M4", "name": "Ana", "wage_words": "$20", "items": "a"}


def sentences_of(pot: Path) -> list[str]:
    from babel.messages.pofile import read_po

    with pot.open("rb") as f:
        catalog = read_po(f)
    out = []
    for message in catalog:
        if not message.id:
            continue
        text = message.id if isinstance(message.id, str) else message.id[-1]
        text = re.sub(r"\{(\w+)\}|%\((\w+)\)[sd]", lambda m: FILL.get(m.group(1) or m.group(2), "it"), text)
        out.append(text if text.rstrip().endswith((".", "?", "!", ":")) else text + ".")
    return out


def rendered_results() -> str:
    from api import create_app

    people = [
        {"interests": {"sectors": ["construction"]}, "skills": {"skills": "forklift", "languages": ["en"]},
         "place": {"zip": "97217", "travel": ["transit"]}, "time": {"times": ["day"], "needs_income": "yes"},
         "private": {"barriers": ["childcare", "transportation"]}},
        {"interests": {"sectors": ["healthcare"]}, "skills": {"skills": "CPR", "education": "some_high_school",
                                                              "languages": ["en"]},
         "place": {"zip": "97402", "travel": ["car"]}, "time": {"times": ["evening"], "needs_income": "no"},
         "private": {"barriers": ["record"]}},
        {"interests": {"sectors": ["technology", "advanced_manufacturing"]},
         "skills": {"skills": "customer service", "languages": ["en"]},
         "place": {"zip": "97266", "travel": ["bike"]}, "time": {"times": ["day", "evening"], "needs_income": "yes"},
         "private": {"barriers": []}},
    ]
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"sqlite_path": f"{tmp}/r.db", "kiosk_secret_key": "r", "log_level": "WARNING",
                          "public_rate_limit": "100000/minute"})
        for person in people:
            client = app.test_client()
            html = client.get("/").get_data(as_text=True)
            token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
            for step, data in person.items():
                response = client.post(f"/step/{step}", data={"csrf_token": token, "confirmed": "1", **data})
                assert response.status_code in (200, 303), (step, response.status_code)
            page = client.get("/results").get_data(as_text=True)
            main = page.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]
            main = re.sub(r"<(h[1-3]|li|p|dt|dd|button|a)[^>]*>", "\n", main)
            text = re.sub(r"<[^>]+>", " ", main)
            lines = [re.sub(r"\s+", " ", x).strip() for x in text.split("\n")]
            texts += [x if x.endswith((".", "?", "!", ":")) else x + "." for x in lines if len(x) > 2]
        app.extensions["matcher"].store.close()
    return "\n".join(texts)


def main() -> int:
    import textstat

    parts = {
        "kiosk pages (catalog)": "\n".join(sentences_of(ROOT / "api" / "kiosk" / "translations" / "kiosk.pot")),
        "engine sentences (catalog)": "\n".join(sentences_of(ROOT / "matcher" / "locale" / "matcher.pot")),
        "results pages (3 people)": rendered_results(),
    }
    # Labels and buttons ("Bike.", "Next.") are short "sentences" that pull a grade down: the same texts
    # are measured again keeping only lines of at least six words (the sentences a person reads as prose).
    for name, text in list(parts.items()):
        parts[name + ", 6+ word lines"] = "\n".join(x for x in text.split("\n") if len(x.split()) >= 6)
    print(f"{'text':<45} {'lines':>6} {'words':>6} {'FK grade':>9} {'reading ease':>13}")
    for name, text in parts.items():
        print(f"{name:<45} {len(text.splitlines()):>6} {textstat.lexicon_count(text):>6} "
              f"{textstat.flesch_kincaid_grade(text):>9.1f} {textstat.flesch_reading_ease(text):>13.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
