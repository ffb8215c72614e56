"""The kiosk's questions: the steps, what each field may hold, friendly errors, and the profile they make.

Each step is a handful of plain fields. :func:`parse_step` reads one step's
form into clean values and a message per bad field (in the person's language,
from the kiosk's catalog); nothing a person types can raise. The values of
every step together are the *answers* (kept only in the encrypted cookie,
:mod:`api.kiosk.session`) and :func:`to_profile` turns them into the
library's :class:`~matcher.records.SeekerProfile` fields.

Limits keep the cookie small and the engine's input bounded: at most
:data:`MAX_SKILLS` skills of :data:`MAX_TEXT` characters each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_  # noqa: N812 - the gettext convention

from matcher.records import EducationLevel, Sector, TimeOfDay, TravelMode

STEPS = ("interests", "skills", "place", "time", "private")
OCCUPATION_CODE = re.compile(r"\d{2}-\d{4}\.\d{2}")
MAX_TEXT = 80
MAX_SKILLS = 20
MAX_SKILLS_TEXT = 600
LANGUAGE_CHOICES = ("en", "es")

SECTORS = tuple(s for s in Sector if s is not Sector.OTHER)
EDUCATION = (EducationLevel.NONE, EducationLevel.SOME_HIGH_SCHOOL, EducationLevel.HS_DIPLOMA_OR_GED,
             EducationLevel.SOME_COLLEGE, EducationLevel.POSTSECONDARY_CERTIFICATE, EducationLevel.ASSOCIATE,
             EducationLevel.BACHELOR, EducationLevel.GRADUATE)
TRAVEL = (TravelMode.CAR, TravelMode.RIDE_FROM_OTHERS, TravelMode.TRANSIT, TravelMode.BIKE, TravelMode.WALK)
TIMES = tuple(TimeOfDay)

#: The private step's choices -> the library's barriers.
BARRIERS: dict[str, tuple[str, ...]] = {
    "childcare": ("childcare",),
    "transportation": ("no_car",),
    "no_license": ("no_drivers_license",),
    "suspended_license": ("suspended_license",),
    "record": ("justice_involved",),
    "housing": ("housing_instability",),
    "language": ("limited_english",),
    "health": ("disability_accommodation",),
}

#: Step titles, in the order shown in the progress list.
STEP_TITLES = {
    "interests": L_("What interests you"),
    "skills": L_("What you can do"),
    "place": L_("Where you live and travel"),
    "time": L_("Time and money"),
    "private": L_("What makes work hard (optional)"),
}


@dataclass
class StepResult:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(value: Any, limit: int = MAX_TEXT) -> str:
    """Printable text only (no control or format characters, no lone surrogates), spaces squeezed."""
    text = str(value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = re.sub(r"\s+", " ", text).strip()
    return text[: limit * 2]  # cut hard; the length check below says when it was too long


def split_skills(text: str) -> list[str]:
    """Skills typed in one box, one per comma, semicolon or line."""
    parts = re.split(r"[,;\n]+", str(text or ""))
    out: list[str] = []
    for part in parts:
        item = clean_text(part)
        if item and item.casefold() not in {x.casefold() for x in out}:
            out.append(item)
    return out


def _choices(form: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> tuple[list[str], bool]:
    """The checked values of a multi-choice field, in the order offered; True when something unknown came."""
    given = [str(v) for v in _getlist(form, name)]
    known = [v for v in allowed if v in given]
    return known, any(v not in allowed for v in given)


def _getlist(form: Mapping[str, Any], name: str) -> list[Any]:
    getlist = getattr(form, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = form.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _one(form: Mapping[str, Any], name: str) -> str:
    values = _getlist(form, name)
    return clean_text(values[0]) if values else ""


def occupation_code(form: Mapping[str, Any], name: str) -> str:
    """The occupation picked for a job from "did you mean" (a hidden field the page carries).

    Only the shape of an O*NET-SOC code is kept (anything else is dropped: no person typed it);
    matching.py uses it only while it is one of the suggestions for the job's words.
    """
    code = _one(form, name)
    return code if OCCUPATION_CODE.fullmatch(code) else ""


#: Each step's job typed as words, which "did you mean" can tie to an occupation code (``<field>_code``).
JOB_FIELDS = {"skills": "past_job", "interests": "job_goal"}


def _whole(text: str, low: int, high: int) -> int | None:
    if not re.fullmatch(r"\d{1,3}", text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_step(step: str, form: Mapping[str, Any]) -> StepResult:
    """One step's values and friendly errors (field name -> message in the kiosk's language)."""
    parser = _PARSERS.get(step)
    if parser is None:
        return StepResult({})
    return parser(form)


def _interests(form: Mapping[str, Any]) -> StepResult:
    out = StepResult({})
    sectors, odd = _choices(form, "sectors", tuple(s.value for s in SECTORS))
    out.values["sectors"] = sectors
    if odd:
        out.errors["sectors"] = _("Choose from the fields listed.")
    goal = _one(form, "job_goal")
    out.values["job_goal"] = goal[:MAX_TEXT]
    if len(goal) > MAX_TEXT:
        out.errors["job_goal"] = _("Please use %(n)d letters or fewer.", n=MAX_TEXT)
    out.values["job_goal_code"] = occupation_code(form, "job_goal_code")
    return out


def _skills(form: Mapping[str, Any]) -> StepResult:
    out = StepResult({})
    raw = str(_getlist(form, "skills")[0]) if _getlist(form, "skills") else ""
    skills = split_skills(raw[: MAX_SKILLS_TEXT * 2])
    out.values["skills"] = ", ".join(s[:MAX_TEXT] for s in skills[:MAX_SKILLS])
    if len(raw) > MAX_SKILLS_TEXT:
        out.errors["skills"] = _("That is a lot of text. Please list up to %(n)d skills, short ones.", n=MAX_SKILLS)
    elif len(skills) > MAX_SKILLS:
        out.errors["skills"] = _("Please list up to %(n)d skills.", n=MAX_SKILLS)
    elif any(len(s) > MAX_TEXT for s in skills):
        out.errors["skills"] = _("Each skill should be %(n)d letters or fewer. Use commas between skills.",
                                 n=MAX_TEXT)
    job = _one(form, "past_job")
    out.values["past_job"] = job[:MAX_TEXT]
    if len(job) > MAX_TEXT:
        out.errors["past_job"] = _("Please use %(n)d letters or fewer.", n=MAX_TEXT)
    out.values["past_job_code"] = occupation_code(form, "past_job_code")
    education = _one(form, "education")
    allowed = {e.value for e in EDUCATION}
    out.values["education"] = education if education in allowed else ""
    if education and education not in allowed:
        out.errors["education"] = _("Choose one of the answers listed.")
    languages, odd = _choices(form, "languages", LANGUAGE_CHOICES)
    out.values["languages"] = languages
    if not languages:
        out.errors["languages"] = _("Choose at least one language you can take a class in.")
    elif odd:
        out.errors["languages"] = _("Choose from the languages listed.")
    return out


def _place(form: Mapping[str, Any]) -> StepResult:
    out = StepResult({})
    zip_code = _one(form, "zip").replace(" ", "")
    out.values["zip"] = zip_code if re.fullmatch(r"\d{5}", zip_code) else ""
    if zip_code and not re.fullmatch(r"\d{5}", zip_code):
        out.errors["zip"] = _("A ZIP code is 5 numbers, like 97214.")
        out.values["zip_typed"] = zip_code[:10]
    travel, odd = _choices(form, "travel", tuple(t.value for t in TRAVEL))
    out.values["travel"] = travel
    if odd:
        out.errors["travel"] = _("Choose from the ways listed.")
    online = _one(form, "online_ok") or "yes"
    out.values["online_ok"] = online if online in ("yes", "no") else "yes"
    if online not in ("yes", "no"):
        out.errors["online_ok"] = _("Choose yes or no.")
    return out


def _time(form: Mapping[str, Any]) -> StepResult:
    out = StepResult({})
    times, odd = _choices(form, "times", tuple(t.value for t in TIMES))
    out.values["times"] = times
    if not times:
        out.errors["times"] = _("Choose at least one time you could go to class.")
    elif odd:
        out.errors["times"] = _("Choose from the times listed.")
    hours = _one(form, "hours")
    number = _whole(hours, 1, 80) if hours else None
    out.values["hours"] = str(number) if number is not None else ""
    if hours and number is None:
        out.errors["hours"] = _("Enter a number of hours from 1 to 80, or leave it blank.")
        out.values["hours_typed"] = hours[:10]
    income = _one(form, "needs_income")
    out.values["needs_income"] = income if income in ("yes", "no") else ""
    if income not in ("yes", "no"):
        out.errors["needs_income"] = _("Choose yes or no.")
    for name, low, high, default in (("adults", 1, 10, 1), ("children", 0, 15, 0)):
        text = _one(form, name) or str(default)
        number = _whole(text, low, high)
        out.values[name] = str(number if number is not None else default)
        if number is None:
            out.errors[name] = _("Enter a number from %(low)d to %(high)d.", low=low, high=high)
            out.values[f"{name}_typed"] = text[:10]
    return out


def _private(form: Mapping[str, Any]) -> StepResult:
    out = StepResult({})
    chosen, odd = _choices(form, "barriers", tuple(BARRIERS))
    if "no_license" in chosen and "suspended_license" in chosen:
        chosen.remove("no_license")  # a suspended license says more
    out.values["barriers"] = chosen
    if odd:
        out.errors["barriers"] = _("Choose from the things listed.")
    return out


_PARSERS = {"interests": _interests, "skills": _skills, "place": _place, "time": _time, "private": _private}

#: The fields of each step in the order shown (the error summary lists problems in this order).
FIELD_ORDER = {
    "interests": ("sectors", "job_goal"),
    "skills": ("skills", "past_job", "education", "languages"),
    "place": ("zip", "travel", "online_ok"),
    "time": ("times", "hours", "needs_income", "adults", "children"),
    "private": ("barriers",),
}

#: What a step holds before anyone answers it.
DEFAULTS: dict[str, dict[str, Any]] = {
    "interests": {"sectors": [], "job_goal": "", "job_goal_code": ""},
    "skills": {"skills": "", "past_job": "", "past_job_code": "", "education": "", "languages": []},
    "place": {"zip": "", "travel": [], "online_ok": "yes"},
    "time": {"times": [], "hours": "", "needs_income": "", "adults": "1", "children": "0"},
    "private": {"barriers": []},
}


def step_values(answers: Mapping[str, Any], step: str) -> dict[str, Any]:
    return {**DEFAULTS[step], **dict(answers.get(step) or {})}


def complete(answers: Mapping[str, Any], step: str) -> bool:
    """Whether a step has been answered and passed its checks (the private step may be skipped)."""
    return step in answers and bool(answers.get(f"{step}__done"))


def first_incomplete(answers: Mapping[str, Any]) -> str | None:
    for step in STEPS:
        if step != "private" and not complete(answers, step):
            return step
    return None


def to_profile(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as a :class:`~matcher.records.SeekerProfile` document."""
    interests = step_values(answers, "interests")
    skills = step_values(answers, "skills")
    place = step_values(answers, "place")
    time = step_values(answers, "time")
    private = step_values(answers, "private")
    profile: dict[str, Any] = {
        "skills": split_skills(skills["skills"])[:MAX_SKILLS],
        "interests": {"sectors": list(interests["sectors"]),
                      "occupations": [interests["job_goal"]] if interests["job_goal"] else []},
        "work_history": [skills["past_job"]] if skills["past_job"] else [],
        "languages": list(skills["languages"]) or ["en"],
        "travel": {"modes": list(place["travel"]), "online_ok": place["online_ok"] != "no"},
        "availability": {"times": list(time["times"]) or [t.value for t in TIMES]},
        "needs_income": time["needs_income"] == "yes",
        "household": {"adults": int(time["adults"] or 1), "children": int(time["children"] or 0)},
    }
    if skills["education"]:
        profile["education"] = skills["education"]
    if place["zip"]:
        profile["zip"] = place["zip"]
    if time["hours"]:
        profile["availability"]["max_hours_per_week"] = int(time["hours"])
    barriers: list[str] = []
    for choice in private["barriers"]:
        barriers += [b for b in BARRIERS.get(choice, ()) if b not in barriers]
    if time["needs_income"] == "yes":
        barriers.append("no_income_while_training")
    profile["barriers"] = barriers
    return profile
