"""Translatable words for everything a person reads: gettext, with the language held per context.

The library's sentences (reasons, gaps, supports, blockers, checks, notes,
openings, and the labels of :mod:`matcher.records`) are written in English in
the code and passed through :func:`_` (or :func:`ngettext` for counts) when
they are made. English is the source language: with English in force (the
default) :func:`_` returns the sentence unchanged, so English output is
byte-for-byte what it always was and costs one context-variable read.

Another language is chosen for a block of work, not per call, so the engine's
signature does not change and nothing in the library needs to know who asked::

    from matcher import i18n

    with i18n.language("es"):
        result = engine.recommend(profile)      # reasons, blockers... in Spanish

The language is a :class:`contextvars.ContextVar`: each thread (and each
asyncio task) has its own, so a web server's requests never see another's.

Message catalogs live inside the package, ``matcher/locale/<lang>/LC_MESSAGES/
matcher.po`` (compiled to ``.mo``), so they ship in the wheel. A board adds a
language by adding a catalog (``python scripts/i18n.py init <lang>``, translate,
``python scripts/i18n.py compile``); an untranslated sentence falls back to the
English. Labels defined in tables at import time are marked with :func:`N_`
(so extraction finds them) and translated where they are read.

Occupation titles and the taxonomy's skill and credential names are data, not sentences:
English, and beside a catalog a translation of the common ones
(``matcher/locale/<lang>/occupation_titles.csv``: code, title, and the O*NET title it was written
from; ``skill_names.csv``: id, name, English name). :func:`occupation_title` and
:func:`skill_name` give the name in the language in force, or the English where none is written.

No flask here: the web layer (``api/kiosk``) sets the language for a request
and uses its own catalog for its own pages.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gettext as _gettext
from collections.abc import Iterator
from contextvars import ContextVar, Token
from importlib import resources
from pathlib import Path

DOMAIN = "matcher"
SOURCE_LANGUAGE = "en"

_current: ContextVar[str] = ContextVar("matcher_language", default=SOURCE_LANGUAGE)


def locale_dir() -> Path:
    """Where the library's message catalogs are (inside the installed package)."""
    return Path(str(resources.files("matcher") / "locale"))


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English, or a language with no catalog: the sentences as written)."""
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, str(locale_dir()), languages=[lang], fallback=True)


def available_languages() -> tuple[str, ...]:
    """English and every language with a compiled catalog, English first, then by code."""
    found = sorted(p.parent.parent.name for p in locale_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE_LANGUAGE, *[x for x in found if x != SOURCE_LANGUAGE])


def get_language() -> str:
    return _current.get()


def set_language(lang: str) -> Token[str]:
    """Use ``lang`` in this context until :func:`reset_language` is given the token returned."""
    return _current.set(lang or SOURCE_LANGUAGE)


def reset_language(token: Token[str]) -> None:
    _current.reset(token)


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Make the library's sentences in ``lang`` inside the ``with`` block."""
    token = set_language(lang)
    try:
        yield lang
    finally:
        reset_language(token)


def _(message: str) -> str:
    """``message`` in the language in force (itself in English or when it has no translation)."""
    lang = _current.get()
    if lang == SOURCE_LANGUAGE:
        return message
    return translations(lang).gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, by the rules of the language in force."""
    lang = _current.get()
    if lang == SOURCE_LANGUAGE:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as said in ``context`` (one English word that other languages say two ways)."""
    lang = _current.get()
    if lang == SOURCE_LANGUAGE:
        return message
    return translations(lang).pgettext(context, message)


OCCUPATION_TITLES = "occupation_titles.csv"
SKILL_NAMES = "skill_names.csv"


def _names(lang: str, filename: str, key: str, column: str) -> dict[str, str]:
    """``key`` → ``column`` from a language's table of names (empty for English or without the file)."""
    if lang == SOURCE_LANGUAGE:
        return {}
    path = locale_dir() / lang / filename
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[key].strip(): row[column].strip() for row in csv.DictReader(handle)
                if row.get(key) and row.get(column)}


@functools.cache
def occupation_titles(lang: str) -> dict[str, str]:
    """O*NET-SOC code → title in ``lang``, for the occupations a translation was written for."""
    return _names(lang, OCCUPATION_TITLES, "code", "title")


@functools.cache
def skill_names(lang: str) -> dict[str, str]:
    """Taxonomy skill or credential id → name in ``lang``, for those a translation was written for."""
    return _names(lang, SKILL_NAMES, "id", "name")


def occupation_title(code: str, title: str) -> str:
    """The occupation's title in the language in force; ``title`` (O*NET's English) where none is written."""
    lang = _current.get()
    if lang == SOURCE_LANGUAGE:
        return title
    return occupation_titles(lang).get(code, title)


def skill_name(skill_id: str, name: str) -> str:
    """A taxonomy skill's or credential's name in the language in force; ``name`` where none is written."""
    lang = _current.get()
    if lang == SOURCE_LANGUAGE:
        return name
    return skill_names(lang).get(skill_id, name)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention, which extraction tools look for
    """Mark ``message`` for extraction without translating it now (a table built at import time)."""
    return message


__all__ = ["DOMAIN", "N_", "OCCUPATION_TITLES", "SKILL_NAMES", "SOURCE_LANGUAGE", "available_languages",
           "get_language", "gettext", "language", "locale_dir", "ngettext", "occupation_title", "occupation_titles",
           "pgettext", "reset_language", "set_language", "skill_name", "skill_names", "translations", "_"]
