"""Value converters: one source cell (or one item of it) -> one program field value.

Each converter takes the cell text (already trimmed, never a "not reported"
marker) and the field's mapping, and returns a :class:`Converted` (the value,
how it was obtained, a note) or raises :class:`ConvertError` with a message a
person can act on. ``docs/sources.md`` lists them with their options.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..csv_format import FALSE_WORDS, TRUE_WORDS
from ..records import FieldStatus

if TYPE_CHECKING:
    from ..taxonomy import Taxonomy
    from .mapping import FieldMapping


class ConvertError(ValueError):
    """A cell that does not convert; the message says what was expected."""


@dataclass(frozen=True)
class Converted:
    value: Any
    status: FieldStatus = FieldStatus.REPORTED
    note: str = ""
    warning: str = ""  # worth telling the board even though a value (or nothing) was produced
    column: str = ""  # the source column(s) it came from, when not the field's own (a rule's)


class Context:
    """Reference data converters and derivations need, loaded on first use."""

    def __init__(self, taxonomy: Taxonomy | None = None) -> None:
        self._taxonomy = taxonomy
        self._credentials: dict[str, tuple[str, str] | None] = {}

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            from ..taxonomy import load_taxonomy

            self._taxonomy = load_taxonomy()
        return self._taxonomy

    @cached_property
    def onet_by_soc(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for occ in self.taxonomy.occupations.values():
            if occ.soc2018:
                out.setdefault(occ.soc2018, []).append(occ.code)
        return {k: sorted(v) for k, v in out.items()}

    @cached_property
    def sector_table(self) -> dict[str, Any]:
        from .derive import load_sector_table

        return load_sector_table()

    def credential_for(self, name: str) -> tuple[str, str] | None:
        """(credential id, its name) when the text is a credential's name or curated alias; cached per name.

        Compared the way the normalizer compares (its token folding: case,
        punctuation, plurals, abbreviations, word order) but over the curated
        credentials and entry skills only, without fuzzy matching: a near
        miss is not a credential claim. Building only this small index keeps
        an import from paying for the normalizer's full index.
        """
        if name not in self._credentials:
            folder, tables = self._credential_index
            toks = folder.tokens(name)
            found: tuple[str, str] | None = None
            for table, key in zip(tables, (" ".join(toks), "".join(toks), " ".join(sorted(toks)))):
                ids = table.get(key) if toks else None
                if ids:
                    if len(ids) == 1 and next(iter(ids)).startswith("cred:"):
                        cid = next(iter(ids))
                        found = (cid, self.taxonomy.skills[cid].name)
                    break
            self._credentials[name] = found
        return self._credentials[name]

    @cached_property
    def _credential_index(self) -> tuple[Any, tuple[dict[str, set[str]], ...]]:
        from ..normalize import Folder

        folder = Folder(self.taxonomy.abbreviations)
        tables: tuple[dict[str, set[str]], ...] = ({}, {}, {})
        for skill in self.taxonomy.skills.values():
            if skill.kind not in ("credential", "entry_skill"):
                continue
            for text in (skill.name, *skill.aliases):
                toks = folder.tokens(text)
                if toks:
                    for table, key in zip(tables, (" ".join(toks), "".join(toks), " ".join(sorted(toks)))):
                        table.setdefault(key, set()).add(skill.id)
        return folder, tables

    @cached_property
    def titles(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """(official title -> codes, alternate title -> codes), titles folded."""
        official: dict[str, set[str]] = {}
        alternate: dict[str, set[str]] = {}
        for occ in self.taxonomy.occupations.values():
            official.setdefault(_fold_title(occ.title), set()).add(occ.code)
            for title in (*occ.alternate_titles, *occ.aliases, *occ.reported_titles):
                alternate.setdefault(_fold_title(title), set()).add(occ.code)
        return official, alternate


# --------------------------------------------------------------------------- the converters


def text(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    # Runs of spaces collapse; line breaks inside a cell (addresses, descriptions) are kept.
    value = "\n".join(" ".join(line.split()) for line in cell.splitlines()).strip()
    if fm.strip_quotes and len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    if fm.truncate is not None and len(value) > fm.truncate:
        return Converted(value[: fm.truncate - 1].rstrip() + "…", note=f"cut to {fm.truncate} characters")
    return Converted(value)


_NUMBER_RE = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


def _number(cell: str) -> float:
    cleaned = cell.replace("$", "").replace(" ", "").replace("\u00a0", "")
    if not _NUMBER_RE.match(cleaned):
        raise ConvertError(f"expected a number like 1983 or 1,983.50, got {cell!r}")
    value = float(cleaned.replace(",", ""))
    if not math.isfinite(value):
        raise ConvertError(f"expected a number, got {cell!r}")
    return value


def _bounded(value: float, fm: FieldMapping, cell: str) -> float:
    if fm.min is not None and value < fm.min:
        raise ConvertError(f"{cell} is below the smallest value the mapping accepts ({fm.min:g})")
    if fm.max is not None and value > fm.max:
        raise ConvertError(f"{cell} is above the largest value the mapping accepts ({fm.max:g})")
    return value


def number(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    return Converted(_bounded(_number(cell), fm, cell))


def integer(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    value = _bounded(_number(cell), fm, cell)
    if not value.is_integer():
        raise ConvertError(f"expected a whole number, got {cell!r}")
    return Converted(int(value))


def money(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    value = _bounded(_number(cell), fm, cell)
    if value < 0:
        raise ConvertError(f"a cost cannot be negative, got {cell!r}")
    return Converted(value)


def rate(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    percent = cell.endswith("%")
    value = _number(cell.rstrip("%").strip())
    if percent:
        value /= 100
    elif fm.scale is not None:
        value /= fm.scale
    if not 0 <= value <= 1:
        hint = "" if percent or fm.scale else "; if the file gives percentages, set scale = 100"
        raise ConvertError(f"a rate must be between 0 and 1 (or 0% and 100%), got {cell!r}{hint}")
    return Converted(value)


def quarterly_to_hourly(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    """Quarterly earnings (WIOA median earnings, 2nd quarter after exit) as an hourly *estimate*."""
    quarterly = _bounded(_number(cell), fm, cell)
    if quarterly < 0:
        raise ConvertError(f"earnings cannot be negative, got {cell!r}")
    hourly = round(quarterly / HOURS_PER_QUARTER, 2)
    return Converted(hourly, FieldStatus.ESTIMATE,
                     note=f"estimate: quarterly earnings ${quarterly:,.0f} / {HOURS_PER_QUARTER} hours "
                          f"(13 weeks x 40 hours); lower than the true wage for anyone not working full time "
                          f"all quarter")


HOURS_PER_QUARTER = 520



def boolean(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    from .mapping import fold

    key = fold(cell)
    true = [fold(w) for w in (fm.true or TRUE_WORDS)]
    false = [fold(w) for w in (fm.false or FALSE_WORDS)]
    if key in true:
        return Converted(True)
    if key in false:
        return Converted(False)
    if key in [fold(w) for w in (fm.unknown or ())]:
        return Converted(None, FieldStatus.NOT_REPORTED, note=f"the source says {cell!r}")
    words = ", ".join([*(fm.true or TRUE_WORDS), *(fm.false or FALSE_WORDS), *(fm.unknown or ())])
    raise ConvertError(f"expected one of {words}, got {cell!r}")


def date(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    formats = [fm.format] if fm.format else ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
    for fmt in formats:
        try:
            return Converted(dt.datetime.strptime(" ".join(cell.split()), fmt).date())
        except ValueError:
            continue
    example = dt.datetime(2023, 2, 21, 9, 2).strftime(formats[0])
    raise ConvertError(f"expected a date like {example!r}, got {cell!r}")


_CIP_RE = re.compile(r"^(\d{1,2})\.?(\d{4})$")


def cip(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    """CIP 2020 code from ``51.3902``, ``513902`` or a spreadsheet-mangled ``10000`` (= 01.0000)."""
    raw = cell.strip()
    match = _CIP_RE.match(raw)
    if not match:
        raise ConvertError(f"expected a CIP code like 51.3902 or 513902, got {cell!r}")
    series, detail = match.groups()
    code = f"{int(series):02d}.{detail}"
    note = "leading zero restored" if len(series) == 1 and (("." in raw) or len(raw) == 5) else ""
    warning = ""
    if code not in ctx.taxonomy.cip_titles:
        warning = "not in the CIP 2020 to SOC 2018 crosswalk (an older CIP 2010 code?); kept"
    return Converted(code, note=note, warning=warning)


def onet(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    """O*NET-SOC 2019 code from ``47-2111.00``, ``47211100``, ``47-2111`` or ``472111``.

    A code O*NET 29.2 does not have, whose 6-digit SOC 2018 occupation it does,
    becomes that occupation's ``.00`` code (derived). Anything else (often an
    older SOC 2010 code) is dropped with a warning: never guessed.
    """
    digits = re.sub(r"[\s.\-]", "", cell)
    if not digits.isdigit() or len(digits) not in (6, 8):
        raise ConvertError(f"expected an O*NET-SOC code like 47-2111.00 or 47211100, got {cell!r}")
    soc = f"{digits[:2]}-{digits[2:6]}"
    code = f"{soc}.{digits[6:8] or '00'}"
    occupations = ctx.taxonomy.occupations
    if code in occupations:
        return Converted(code)
    same_soc = ctx.onet_by_soc.get(soc, [])
    if same_soc:
        chosen = f"{soc}.00" if f"{soc}.00" in same_soc else same_soc[0]
        return Converted(chosen, FieldStatus.DERIVED,
                         note=f"{code} is not an O*NET 29.2 code; used {chosen}, the same SOC 2018 occupation")
    return Converted(None, warning="not an O*NET-SOC 2019 or SOC 2018 code (an older SOC 2010 code?); dropped")


def onet_title(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    """An occupation by its O*NET title (``Electricians``); an alternate title only when it names one occupation."""
    official, alternate = ctx.titles
    key = _fold_title(cell)
    codes = official.get(key)
    if codes and len(codes) == 1:
        return Converted(next(iter(codes)))
    alt = alternate.get(key, set())
    if not codes and len(alt) == 1:
        code = next(iter(alt))
        return Converted(code, FieldStatus.DERIVED, note=f"{cell!r} is an O*NET alternate title of {code}")
    if codes or alt:
        found = ", ".join(sorted(codes or alt)[:5])
        return Converted(None, warning=f"names several occupations ({found}); dropped, not guessed")
    return Converted(None, warning="not an O*NET occupation title; dropped")


def _fold_title(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", title.casefold()).split())


_ZIP_RE = re.compile(r"^(\d{3,5})(-\d{4})?(\.0+)?$")


def zip_code(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    match = _ZIP_RE.match(cell.strip())
    if not match:
        raise ConvertError(f"expected a 5-digit ZIP code like 78210, got {cell!r}")
    digits = match.group(1)
    if len(digits) == 5:
        return Converted(digits)
    # A spreadsheet that read the ZIP as a number dropped its leading zeros (08330 -> 8330).
    return Converted(digits.zfill(5), note=f"leading zero(s) restored: {cell} -> {digits.zfill(5)}")


STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "U.S. Virgin Islands", "AS": "American Samoa", "MP": "Northern Mariana Islands",
}
_STATE_BY_NAME = {name.casefold(): code for code, name in STATES.items()}


def state(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    key = " ".join(cell.split())
    if key.upper() in STATES:
        return Converted(key.upper())
    if key.casefold() in _STATE_BY_NAME:
        return Converted(_STATE_BY_NAME[key.casefold()])
    raise ConvertError(f"expected a US state like TX or Texas, got {cell!r}")


_DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9-]+)+(:\d+)?([/?#]\S*)?$", re.IGNORECASE)


def url(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    """A web address; a bare domain (``www.example.org/x``) gets ``https://``. Anything else is refused."""
    value = cell.strip().lstrip("'")  # a leading apostrophe is Excel's "this is text" mark
    lowered = value.casefold()
    if lowered.startswith(("http://", "https://")) and " " not in value and len(value) > 8:
        return Converted(value)
    if lowered.startswith("//") and _DOMAIN_RE.match(value[2:]):
        return Converted("https:" + value, note="https: added")
    if " " not in value and _DOMAIN_RE.match(value):
        return Converted("https://" + value, note="https:// added")
    raise ConvertError("not a web address (http://... or a domain like www.example.org)")


def lookup(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    from .mapping import fold

    table = fm.lookup_table
    key = fold(cell)
    if key in table:
        return Converted(table[key])
    known = ", ".join(repr(k) for k in list(fm.values or {})[:12])
    raise ConvertError(f"{cell!r} is not one of the values this mapping knows ({known})")


LANGUAGES = {
    "english": "en", "spanish": "es", "espanol": "es", "español": "es", "vietnamese": "vi", "chinese": "zh",
    "mandarin": "zh", "cantonese": "zh", "russian": "ru", "ukrainian": "uk", "arabic": "ar", "somali": "so",
    "korean": "ko", "tagalog": "tl", "filipino": "tl", "french": "fr", "haitian creole": "ht",
    "portuguese": "pt", "polish": "pl", "italian": "it", "german": "de", "japanese": "ja", "hindi": "hi",
    "urdu": "ur", "punjabi": "pa", "bengali": "bn", "gujarati": "gu", "farsi": "fa", "persian": "fa",
    "dari": "fa", "pashto": "ps", "amharic": "am", "tigrinya": "ti", "oromo": "om", "swahili": "sw",
    "burmese": "my", "nepali": "ne", "khmer": "km", "lao": "lo", "thai": "th", "turkish": "tr", "greek": "el",
    "romanian": "ro", "hebrew": "he", "yiddish": "yi", "marshallese": "mh", "samoan": "sm", "tongan": "to",
}


def language(cell: str, fm: FieldMapping, ctx: Context) -> Converted:
    """ISO 639-1 code from a code (``es``, ``en-US``) or an English language name (``Spanish``)."""
    key = " ".join(cell.casefold().split())
    if re.fullmatch(r"[a-z]{2}([-_][a-z]{2,4})?", key):
        return Converted(key[:2])
    if key in LANGUAGES:
        return Converted(LANGUAGES[key])
    raise ConvertError(f"{cell!r} is not a language this importer knows (give an ISO 639-1 code like es)")


ConverterFn = Callable[[str, "FieldMapping", Context], Converted]

CONVERTERS: dict[str, ConverterFn] = {
    "text": text, "number": number, "integer": integer, "money": money, "rate": rate, "bool": boolean,
    "date": date, "cip": cip, "onet": onet, "onet_title": onet_title, "zip": zip_code, "state": state,
    "url": url, "lookup": lookup, "language": language, "quarterly_to_hourly": quarterly_to_hourly,
}

# The options each converter reads; any other option given is a mistake in the mapping.
_OPTIONS: dict[str, frozenset[str]] = {
    "text": frozenset({"truncate", "strip_quotes"}),
    "number": frozenset({"min", "max"}), "integer": frozenset({"min", "max"}), "money": frozenset({"min", "max"}),
    "quarterly_to_hourly": frozenset({"min", "max"}),
    "rate": frozenset({"scale"}), "bool": frozenset({"true", "false", "unknown"}), "date": frozenset({"format"}),
    "lookup": frozenset({"values"}),
}
_ALL_OPTIONS = ("format", "true", "false", "unknown", "values", "scale", "min", "max", "truncate", "strip_quotes")


def check_options(fm: FieldMapping) -> str:
    """'' when the field's converter options make sense, else what is wrong."""
    allowed = _OPTIONS.get(fm.convert, frozenset())
    given = [o for o in _ALL_OPTIONS if getattr(fm, o) not in (None, False)]
    wrong = [o for o in given if o not in allowed]
    if wrong:
        return f"option(s) {', '.join(wrong)} do not apply to converter {fm.convert!r}"
    if fm.convert == "lookup" and not fm.values:
        return "converter 'lookup' needs a values table"
    if fm.format is not None:
        try:
            dt.datetime(2023, 2, 21, 9, 2).strftime(fm.format)
        except ValueError as exc:
            return f"format is not a valid date format: {exc}"
    return ""
