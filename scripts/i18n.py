"""Message catalogs: extract the English sentences, update each language, compile, check.

Two catalogs (gettext domains), each shipped inside its package:

- ``matcher``: the library's sentences (reasons, blockers, checks, labels...),
  ``matcher/locale/<lang>/LC_MESSAGES/matcher.po``, from ``matcher/**.py``;
- ``kiosk``: the kiosk's pages, ``api/kiosk/translations/<lang>/LC_MESSAGES/kiosk.po``,
  from ``api/kiosk/**.py`` and its Jinja templates.

    python scripts/i18n.py extract          # the .pot templates from the code
    python scripts/i18n.py update           # merge new sentences into every .po (new ones untranslated)
    python scripts/i18n.py init fr          # start a new language (both catalogs)
    python scripts/i18n.py compile          # .po -> .mo (the files read at run time)
    python scripts/i18n.py check            # what the tests check: templates current, all translated, compiled

Needs Babel (installed with the service: Flask-Babel depends on it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None,
            "L_": None, "lazy_gettext": None}


@dataclass(frozen=True)
class Domain:
    name: str
    source: Path  # folder extracted from
    folder: Path  # <folder>/<lang>/LC_MESSAGES/<name>.po
    methods: tuple[tuple[str, str], ...]

    @property
    def template(self) -> Path:
        return self.folder / f"{self.name}.pot"

    def po(self, lang: str) -> Path:
        return self.folder / lang / "LC_MESSAGES" / f"{self.name}.po"

    def languages(self) -> list[str]:
        return sorted(p.parent.parent.name for p in self.folder.glob(f"*/LC_MESSAGES/{self.name}.po"))


DOMAINS = (
    Domain("matcher", ROOT / "matcher", ROOT / "matcher" / "locale", (("**.py", "python"),)),
    Domain("kiosk", ROOT / "api" / "kiosk", ROOT / "api" / "kiosk" / "translations",
           (("**.py", "python"), ("templates/**.html", "jinja2"))),
)


def extracted(domain: Domain) -> Catalog:
    catalog = Catalog(project="training-program-matcher", domain=domain.name, charset="utf-8", fuzzy=False)
    options = {"templates/**.html": {"extensions": "jinja2.ext.do", "trimmed": "true"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(domain.source), method_map=list(domain.methods), options_map=options, keywords=KEYWORDS,
            comment_tags=("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(str(Path(domain.source.name) / filename), lineno)],
                    auto_comments=comments, context=context)
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, no_location=True,
             include_previous=False)
    text = out.getvalue()
    # The header's creation date changes on every run; keep the files stable between runs.
    return b"\n".join(line for line in text.split(b"\n") if not line.startswith((b'"POT-Creation-Date',
                                                                                  b'"PO-Revision-Date')))


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def extract() -> None:
    for domain in DOMAINS:
        domain.folder.mkdir(parents=True, exist_ok=True)
        domain.template.write_bytes(_po_bytes(extracted(domain)))
        print(f"{domain.template.relative_to(ROOT)}: {len(extracted(domain))} messages")


def update() -> None:
    extract()
    for domain in DOMAINS:
        template = _read(domain.template)
        for lang in domain.languages():
            path = domain.po(lang)
            catalog = _read(path, lang)
            catalog.update(template, no_fuzzy_matching=True)
            path.write_bytes(_po_bytes(catalog))
            print(f"{path.relative_to(ROOT)}: updated")


def init(lang: str) -> None:
    extract()
    for domain in DOMAINS:
        path = domain.po(lang)
        if path.exists():
            print(f"{path.relative_to(ROOT)}: exists, left as it is")
            continue
        template = _read(domain.template)
        catalog = Catalog(locale=lang, domain=domain.name, project="training-program-matcher", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_bytes(catalog))
        print(f"{path.relative_to(ROOT)}: created; translate it, then run compile")


#: Dates written into compiled catalogs' headers: fixed, so compiling twice gives the same bytes.
_FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _mo_bytes(catalog: Catalog) -> bytes:
    catalog.creation_date = catalog.revision_date = _FIXED_DATE
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _messages(catalog: Catalog) -> dict[object, object]:
    """What a catalog translates: (id, context) -> translation (the header left out)."""
    return {(m.id if isinstance(m.id, str) else tuple(m.id), m.context):
            (m.string if isinstance(m.string, str) else tuple(m.string))
            for m in catalog if m.id and m.string and not m.fuzzy}


def compile_all() -> None:
    for domain in DOMAINS:
        for lang in domain.languages():
            path = domain.po(lang)
            path.with_suffix(".mo").write_bytes(_mo_bytes(_read(path, lang)))
            print(f"{path.with_suffix('.mo').relative_to(ROOT)}: compiled")


def problems() -> list[str]:
    """Everything that keeps the catalogs from being complete and current (empty: all good)."""
    out: list[str] = []
    for domain in DOMAINS:
        fresh = extracted(domain)
        wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in fresh if m.id}
        if not domain.template.exists() or wanted != {
                (m.id if isinstance(m.id, str) else m.id[0], m.context) for m in _read(domain.template) if m.id}:
            out.append(f"{domain.template.relative_to(ROOT)} is out of date: run `python scripts/i18n.py update`")
        for lang in domain.languages():
            path = domain.po(lang)
            catalog = _read(path, lang)
            have = {(m.id if isinstance(m.id, str) else m.id[0], m.context): m for m in catalog if m.id}
            for key in sorted(wanted - set(have), key=str):
                out.append(f"{path.relative_to(ROOT)}: missing {key[0]!r}")
            for key, message in sorted(have.items(), key=lambda kv: str(kv[0])):
                strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
                if key not in wanted:
                    out.append(f"{path.relative_to(ROOT)}: obsolete {key[0]!r}")
                elif message.fuzzy or not all(strings):
                    out.append(f"{path.relative_to(ROOT)}: untranslated {key[0]!r}")
                else:
                    out += [f"{path.relative_to(ROOT)}: {key[0]!r}: {p}" for p in _placeholders(message)]
            mo = path.with_suffix(".mo")
            compiled = None
            if mo.exists():
                with mo.open("rb") as f:
                    compiled = read_mo(f)
            if compiled is None or _messages(compiled) != _messages(catalog):
                out.append(f"{mo.relative_to(ROOT)} is not compiled from its .po: run `python scripts/i18n.py compile`")
    return out


def _placeholders(message: object) -> list[str]:
    """A translation must use the same {named} and %(named)s placeholders as the English."""
    import re

    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]  # type: ignore[attr-defined]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]  # type: ignore[attr-defined]
    pattern = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")
    want = set(pattern.findall(ids[-1])) | set(pattern.findall(ids[0]))
    out = []
    for s in strings:
        got = set(pattern.findall(s))
        if got - want:
            out.append(f"placeholders {sorted(got - want)} are not in the English")
        if len(strings) == 1 and want - got:
            out.append(f"placeholders {sorted(want - got)} are missing")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("extract", "update", "compile", "check"):
        sub.add_parser(name)
    new = sub.add_parser("init")
    new.add_argument("lang", help="language code, e.g. fr, vi, zh")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
    elif args.command == "update":
        update()
    elif args.command == "init":
        init(args.lang)
    elif args.command == "compile":
        compile_all()
    else:
        found = problems()
        for line in found:
            print(line)
        print("catalogs complete" if not found else f"{len(found)} problem(s)")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
