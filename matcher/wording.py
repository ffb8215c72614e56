"""Small wording helpers shared by every sentence a person reads (explanations, rules, CLI).

Money as "$1,200", wages as "$19.50/hour", lists as "a, b and c", language codes as names.
The tables hold English (the msgids of the message catalogs, marked with ``N_``); the
functions give them in the language in force (:mod:`matcher.i18n`).
"""

from __future__ import annotations

import re

from .i18n import N_, _, get_language
from .records import Funding

LANGUAGE_NAMES = {
    "en": N_("English"), "es": N_("Spanish"), "vi": N_("Vietnamese"), "ru": N_("Russian"), "zh": N_("Chinese"),
    "so": N_("Somali"), "ar": N_("Arabic"), "uk": N_("Ukrainian"), "ko": N_("Korean"), "tl": N_("Tagalog"),
    "fr": N_("French"), "am": N_("Amharic"), "sw": N_("Swahili"), "ro": N_("Romanian"), "ja": N_("Japanese"),
    "fa": N_("Persian"), "ps": N_("Pashto"), "hmn": N_("Hmong"), "km": N_("Khmer"), "lo": N_("Lao"),
    "ne": N_("Nepali"), "my": N_("Burmese"), "pt": N_("Portuguese"), "ti": N_("Tigrinya"),
}

FUNDING_LABELS = {
    Funding.FREE: N_("free to you"),
    Funding.WIOA_ITA: N_("a WIOA training account (ITA)"),
    Funding.WIOA_OJT: N_("WIOA on-the-job training funds"),
    Funding.EMPLOYER_PAID: N_("the employer"),
    Funding.PELL: N_("a Pell grant"),
    Funding.STATE_GRANT: N_("a state grant"),
    Funding.GI_BILL: N_("the GI Bill"),
    Funding.SCHOLARSHIP: N_("a scholarship"),
    Funding.PAYMENT_PLAN: N_("a payment plan"),
}


def money(x: float) -> str:
    return f"${x:,.0f}" if x >= 100 or float(x).is_integer() else f"${x:,.2f}"


def wage(x: float) -> str:
    amount = f"${x:,.0f}" if abs(x - round(x)) < 0.05 else f"${x:,.2f}"
    return _("{amount}/hour").format(amount=amount)


# Spanish "y" becomes "e" before a word that starts with the sound i ("hijos", "inglés"), not "hie"/"hia".
_SPANISH_E = re.compile(r"^(?:h?[iíIÍ])(?![aeiouáéíóú])")


def join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    joined = _("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])
    if get_language() == "es" and _SPANISH_E.match(words[-1]):
        joined = f"{', '.join(words[:-1])} e {words[-1]}"
    return joined


def language_name(code: str) -> str:
    return _(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else code


def funding_label(funding: Funding) -> str:
    return _(FUNDING_LABELS[funding])


def element_label(element_id: str) -> str:
    """An O*NET element in plain words (``ELEMENT_LABELS``), in the language in force."""
    return _(ELEMENT_LABELS[element_id])


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


#: O*NET skill and knowledge elements in words a job seeker uses, for "You will learn ..." and
#: "You have ...". O*NET's own names ("Mechanical", "Physics") read oddly on their own.
ELEMENT_LABELS: dict[str, str] = {
    "2.A.1.a": N_("reading work documents"), "2.A.1.b": N_("listening carefully"), "2.A.1.c": N_("writing at work"),
    "2.A.1.d": N_("speaking clearly at work"), "2.A.1.e": N_("using math at work"),
    "2.A.1.f": N_("using science at work"), "2.A.2.a": N_("thinking problems through"),
    "2.A.2.b": N_("learning new things on the job"), "2.A.2.c": N_("teaching yourself new skills"),
    "2.A.2.d": N_("checking your own work"), "2.B.1.a": N_("reading people's reactions"),
    "2.B.1.b": N_("working in step with others"), "2.B.1.c": N_("persuading people"), "2.B.1.d": N_("negotiating"),
    "2.B.1.e": N_("teaching others how to do things"), "2.B.1.f": N_("helping customers and clients"),
    "2.B.2.i": N_("solving complex problems"), "2.B.3.a": N_("working out what a job needs"),
    "2.B.3.b": N_("designing equipment or technology"), "2.B.3.c": N_("choosing the right tools and equipment"),
    "2.B.3.d": N_("installing equipment, machines or wiring"), "2.B.3.e": N_("computer programming"),
    "2.B.3.g": N_("watching gauges and machines"), "2.B.3.h": N_("operating and controlling equipment"),
    "2.B.3.j": N_("maintaining equipment"), "2.B.3.k": N_("finding and fixing problems in equipment"),
    "2.B.3.l": N_("repairing machines"), "2.B.3.m": N_("checking quality"), "2.B.4.e": N_("making sound decisions"),
    "2.B.4.g": N_("understanding how systems work"), "2.B.4.h": N_("measuring how well a system works"),
    "2.B.5.a": N_("managing your time"), "2.B.5.b": N_("managing budgets"),
    "2.B.5.c": N_("managing supplies and materials"), "2.B.5.d": N_("supervising people"),
    "2.C.1.a": N_("business management"), "2.C.1.b": N_("office and clerical work"),
    "2.C.1.c": N_("bookkeeping and accounting"), "2.C.1.d": N_("sales and marketing"),
    "2.C.1.e": N_("customer service"), "2.C.1.f": N_("human resources"),
    "2.C.2.a": N_("production and manufacturing processes"), "2.C.2.b": N_("food production"),
    "2.C.3.a": N_("computers and electronics"), "2.C.3.b": N_("engineering and technology basics"),
    "2.C.3.c": N_("reading and making drawings and plans"), "2.C.3.d": N_("building and construction methods"),
    "2.C.3.e": N_("how machines and tools work"), "2.C.4.a": N_("math"),
    "2.C.4.b": N_("basic physics (forces, electricity, heat)"), "2.C.4.c": N_("basic chemistry"),
    "2.C.4.d": N_("biology"), "2.C.4.e": N_("psychology"), "2.C.4.f": N_("how groups and cultures work"),
    "2.C.4.g": N_("maps and geography"), "2.C.5.a": N_("health care and medical basics"),
    "2.C.5.b": N_("therapy and counseling"), "2.C.6": N_("teaching and training"),
    "2.C.7.a": N_("English grammar and writing"), "2.C.7.b": N_("a second language"), "2.C.7.c": N_("arts and design"),
    "2.C.7.d": N_("history"), "2.C.7.e": N_("philosophy and religion"), "2.C.8.a": N_("workplace safety and security"),
    "2.C.8.b": N_("laws and regulations"), "2.C.9.a": N_("telecommunications"),
    "2.C.9.b": N_("communications and media"), "2.C.10": N_("transportation and moving goods"),
}
