"""Small wording helpers shared by every sentence a person reads (explanations, rules, CLI).

Money as "$1,200", wages as "$19.50/hour", lists as "a, b and c", language codes as names.
"""

from __future__ import annotations

from .records import Funding

LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "vi": "Vietnamese", "ru": "Russian", "zh": "Chinese", "so": "Somali",
    "ar": "Arabic", "uk": "Ukrainian", "ko": "Korean", "tl": "Tagalog", "fr": "French", "am": "Amharic",
    "sw": "Swahili", "ro": "Romanian", "ja": "Japanese", "fa": "Persian", "ps": "Pashto", "hmn": "Hmong",
    "km": "Khmer", "lo": "Lao", "ne": "Nepali", "my": "Burmese", "pt": "Portuguese", "ti": "Tigrinya",
}

FUNDING_LABELS = {
    Funding.FREE: "free to you",
    Funding.WIOA_ITA: "a WIOA training account (ITA)",
    Funding.WIOA_OJT: "WIOA on-the-job training funds",
    Funding.EMPLOYER_PAID: "the employer",
    Funding.PELL: "a Pell grant",
    Funding.STATE_GRANT: "a state grant",
    Funding.GI_BILL: "the GI Bill",
    Funding.SCHOLARSHIP: "a scholarship",
    Funding.PAYMENT_PLAN: "a payment plan",
}


def money(x: float) -> str:
    return f"${x:,.0f}" if x >= 100 or float(x).is_integer() else f"${x:,.2f}"


def wage(x: float) -> str:
    return f"${x:,.0f}/hour" if abs(x - round(x)) < 0.05 else f"${x:,.2f}/hour"


def join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


#: O*NET skill and knowledge elements in words a job seeker uses, for "You will learn ..." and
#: "You have ...". O*NET's own names ("Mechanical", "Physics") read oddly on their own.
ELEMENT_LABELS: dict[str, str] = {
    "2.A.1.a": "reading work documents", "2.A.1.b": "listening carefully", "2.A.1.c": "writing at work",
    "2.A.1.d": "speaking clearly at work", "2.A.1.e": "using math at work", "2.A.1.f": "using science at work",
    "2.A.2.a": "thinking problems through", "2.A.2.b": "learning new things on the job",
    "2.A.2.c": "teaching yourself new skills", "2.A.2.d": "checking your own work",
    "2.B.1.a": "reading people's reactions", "2.B.1.b": "working in step with others",
    "2.B.1.c": "persuading people", "2.B.1.d": "negotiating", "2.B.1.e": "teaching others how to do things",
    "2.B.1.f": "helping customers and clients", "2.B.2.i": "solving complex problems",
    "2.B.3.a": "working out what a job needs", "2.B.3.b": "designing equipment or technology",
    "2.B.3.c": "choosing the right tools and equipment", "2.B.3.d": "installing equipment, machines or wiring",
    "2.B.3.e": "computer programming", "2.B.3.g": "watching gauges and machines",
    "2.B.3.h": "operating and controlling equipment", "2.B.3.j": "maintaining equipment",
    "2.B.3.k": "finding and fixing problems in equipment", "2.B.3.l": "repairing machines",
    "2.B.3.m": "checking quality", "2.B.4.e": "making sound decisions", "2.B.4.g": "understanding how systems work",
    "2.B.4.h": "measuring how well a system works", "2.B.5.a": "managing your time",
    "2.B.5.b": "managing budgets", "2.B.5.c": "managing supplies and materials", "2.B.5.d": "supervising people",
    "2.C.1.a": "business management", "2.C.1.b": "office and clerical work", "2.C.1.c": "bookkeeping and accounting",
    "2.C.1.d": "sales and marketing", "2.C.1.e": "customer service", "2.C.1.f": "human resources",
    "2.C.2.a": "production and manufacturing processes", "2.C.2.b": "food production",
    "2.C.3.a": "computers and electronics", "2.C.3.b": "engineering and technology basics",
    "2.C.3.c": "reading and making drawings and plans", "2.C.3.d": "building and construction methods",
    "2.C.3.e": "how machines and tools work", "2.C.4.a": "math", "2.C.4.b": "basic physics (forces, electricity, heat)",
    "2.C.4.c": "basic chemistry", "2.C.4.d": "biology", "2.C.4.e": "psychology",
    "2.C.4.f": "how groups and cultures work", "2.C.4.g": "maps and geography",
    "2.C.5.a": "health care and medical basics", "2.C.5.b": "therapy and counseling",
    "2.C.6": "teaching and training", "2.C.7.a": "English grammar and writing", "2.C.7.b": "a second language",
    "2.C.7.c": "arts and design", "2.C.7.d": "history", "2.C.7.e": "philosophy and religion",
    "2.C.8.a": "workplace safety and security", "2.C.8.b": "laws and regulations", "2.C.9.a": "telecommunications",
    "2.C.9.b": "communications and media", "2.C.10": "transportation and moving goods",
}
