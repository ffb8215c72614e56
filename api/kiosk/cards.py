"""The results page's cards: one program as a job seeker reads it, in their language.

Facts about the program (pay while training, schedule, place, cost) are worded
here from the catalog record with the kiosk's catalog; the engine's sentences
(why it fits, what it takes to start, supports, checks, notes) come from the
library, already in the language in force (:mod:`matcher.i18n`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from matcher import i18n
from matcher.records import Delivery, PaidKind, Program, ProgramType, Sector, TimeOfDay
from matcher.results import Recommendation, RecommendationList
from matcher.wording import funding_label, join_words, money, wage

#: The icon (api/kiosk/static/icons/<name>.svg) of each sector.
SECTOR_ICONS = {
    Sector.ADVANCED_MANUFACTURING: "manufacturing", Sector.CLEAN_ENERGY: "energy", Sector.CONSTRUCTION: "construction",
    Sector.HEALTHCARE: "healthcare", Sector.EARLY_LEARNING: "childcare", Sector.TECHNOLOGY: "technology",
    Sector.TRANSPORTATION_LOGISTICS: "transportation", Sector.HOSPITALITY: "hospitality", Sector.OTHER: "other",
}


def type_words(kind: ProgramType) -> str:
    """The program type in plain words ("Paid on-the-job training")."""
    return {
        ProgramType.PRE_APPRENTICESHIP: _("Pre-apprenticeship: gets you ready to apply for an apprenticeship"),
        ProgramType.REGISTERED_APPRENTICESHIP: _("Paid apprenticeship: you work and learn, and your pay goes up"),
        ProgramType.OJT: _("Paid on-the-job training"),
        ProgramType.CUSTOMIZED: _("Training made with an employer who is hiring"),
        ProgramType.OCCUPATIONAL_SKILLS: _("Job training class"),
        ProgramType.INCUMBENT_WORKER: _("Training for people who already work there"),
        ProgramType.WORK_EXPERIENCE: _("Paid work experience"),
        ProgramType.YOUTH: _("Program for young people"),
    }[kind]


def time_words(times: list[TimeOfDay]) -> str:
    words = {TimeOfDay.DAY: _("daytime"), TimeOfDay.EVENING: _("evenings"), TimeOfDay.WEEKEND: _("weekends")}
    return join_words([words[t] for t in TimeOfDay if t in times])


@dataclass
class Card:
    rank: int
    program_id: str
    name: str
    provider: str
    kind: str
    sector: str
    icon: str
    pay: str
    paid: bool
    schedule: str
    place: str
    cost: str
    start: str | None
    reasons: list[str]
    supports: list[str]
    blockers: list[str]
    needs: list[str]
    checks: list[str]
    notes: list[str]
    learn: list[str] = field(default_factory=list)
    url: str | None = None


def pay_words(program: Program) -> tuple[str, bool]:
    paid = program.paid
    if paid.kind is PaidKind.WAGE and paid.hourly_wage:
        return _("You are paid %(wage)s while you train", wage=wage(paid.hourly_wage)), True
    if paid.kind is PaidKind.STIPEND and paid.stipend_usd:
        return _("You get a %(amount)s stipend while you train", amount=money(paid.stipend_usd)), True
    if program.type.is_paid_by_design:
        return _("You are paid while you train (the employer sets the wage)"), True
    return _("Not paid while you train"), False


def schedule_words(program: Program) -> str:
    s = program.schedule
    parts = []
    if s.self_paced:
        parts.append(_("Go at your own pace"))
    else:
        parts.append(_("Meets %(times)s", times=time_words(list(s.times))))
    hours = round(s.hours_per_week)
    parts.append(ngettext("%(num)d hour a week", "%(num)d hours a week", hours))
    if program.duration_weeks:
        weeks = round(program.duration_weeks)
        parts.append(ngettext("for %(num)d week", "for %(num)d weeks", weeks))
    return ", ".join(parts)


def place_words(program: Program, miles: float | None) -> str:
    loc = program.location
    if loc.delivery is Delivery.ONLINE:
        return _("Online: no travel needed")
    where = []
    if miles is not None:
        if miles < 1:
            where.append(_("Less than 1 mile from you"))
        else:
            n = round(miles)
            where.append(ngettext("About %(num)d mile from you", "About %(num)d miles from you", n))
    elif loc.county:
        where.append(_("In %(county)s County", county=loc.county))
    if loc.delivery is Delivery.HYBRID:
        where.append(_("part online"))
    where.append(_("near a bus or MAX line") if loc.transit_access else _("not near a bus line"))
    return ", ".join(where)


def cost_words(program: Program) -> str:
    cost = program.cost
    if cost.is_free:
        return _("Free to you")
    if not cost.tuition_reported:
        return _("Cost not listed: ask the program")
    if cost.funding:
        return _("Costs %(amount)s; help to pay can come from %(who)s", amount=money(cost.tuition_usd),
                 who=join_words([funding_label(f) for f in cost.funding]))
    return _("Costs %(amount)s, and no help to pay is listed", amount=money(cost.tuition_usd))


def start_words(program: Program, today: dt.date | None = None) -> str | None:
    when = program.next_start
    if when is None:
        return None
    return _("Next start: %(date)s", date=format_date(when))


def format_date(when: dt.date) -> str:
    from flask_babel import format_date as babel_date

    return str(babel_date(when, format="long"))


def card(rec: Recommendation, program: Program) -> Card:
    pay, paid = pay_words(program)
    needs = [g.message for g in rec.skill_gaps if g.kind == "required"]
    learn = [g.name for g in rec.skill_gaps if g.kind == "taught"][:4]
    return Card(
        rank=rec.rank, program_id=program.id, name=program.name, provider=program.provider,
        kind=type_words(program.type), sector=i18n._(program.sector.label), icon=SECTOR_ICONS[program.sector],
        pay=pay, paid=paid, schedule=schedule_words(program), place=place_words(program, rec.distance_miles),
        cost=cost_words(program), start=start_words(program), reasons=list(rec.reasons),
        supports=[s.message for s in rec.supports], blockers=[b.message for b in rec.blockers], needs=needs,
        checks=list(rec.checks), notes=list(rec.notes), learn=learn, url=program.url)


def cards(result: RecommendationList, catalog: Any) -> list[Card]:
    return [card(rec, catalog.get(rec.program_id)) for rec in result.items]
