"""Typed records: training programs and job-seeker profiles.

These are the two kinds of record the matcher ranks. They are pydantic models
(frozen, unknown fields rejected) so that every input, from a CSV row, a JSON
file or, later, an API request, is validated the same way and every problem
names its field. ``docs/records.md`` documents each field; ``docs/schemas/``
holds the JSON Schema generated from these classes.

Conventions
- Codes: O*NET-SOC ``NN-NNNN.NN``, CIP 2020 ``NN.NNNN``, ZIP ``NNNNN``,
  languages as ISO 639-1 (``en``, ``es``, ``vi``...).
- Skills and credentials are canonical taxonomy IDs: O*NET element IDs
  (``2.B.3.a``), ``tech:...`` / ``tool:...`` for technology and tool skills and
  ``cred:...`` for credentials (see ``matcher.taxonomy``). A profile may also
  give free text, which ``matcher.normalize`` resolves to IDs.
- Money is US dollars; wages are hourly.
- Demographics (sex, race/ethnicity, disability) are *not* part of
  :class:`SeekerProfile`: they live in :class:`Demographics`, kept beside it
  for reporting only, so the matcher cannot read them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import FieldProblem, ValidationError, from_pydantic
from .i18n import N_

SOC_RE = r"^\d{2}-\d{4}\.\d{2}$"
CIP_RE = r"^\d{2}\.\d{4}$"
ZIP_RE = r"^\d{5}$"
ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$"
LANG_RE = r"^[a-z]{2}$"

SocCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=SOC_RE)]
CipCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CIP_RE)]
def _fold_zip(value: Any) -> Any:
    """Accept what forms and spreadsheets send: 97217 as a number, or ZIP+4 (97217-1234)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99999:
        return f"{value:05d}"
    if isinstance(value, str) and re.fullmatch(r"\s*\d{5}-\d{4}\s*", value):
        return value.strip()[:5]
    return value


ZipCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ZIP_RE), BeforeValidator(_fold_zip)]
RecordId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ID_RE)]
LangCode = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=LANG_RE)]
TaxonomyId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
SHORT_TEXT_MAX = 200  # a name, a job title, one skill as typed
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT_MAX)]
FreeText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Money = Annotated[float, Field(ge=0, le=1_000_000)]
HourlyWage = Annotated[float, Field(ge=0, le=500)]
Rate = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]


class _Record(BaseModel):
    """Base of every record: frozen, strict about unknown fields, numbers that are numbers.

    NaN and infinity are refused (``allow_inf_nan=False``), and so is true/false where a
    number belongs: pydantic would otherwise read ``"seats": true`` as 1.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, use_enum_values=False,
                              allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:  # named in BOOL_FOR_NUMBER_CHECK
        # Called for every field of every record read, so the common case (not a bool, not a dict)
        # returns at once; which fields are numeric is worked out once per class.
        kind = value.__class__
        if kind is bool:
            if info.field_name in _numeric_fields(cls)[0]:
                raise ValueError("must be a number, not true/false")
        elif isinstance(value, dict) and info.field_name in _numeric_fields(cls)[1] \
                and any(v.__class__ is bool for v in value.values()):
            raise ValueError("values must be numbers, not true/false")
        return value


#: The name of the records' before-validator refusing true/false for a number, for a reader that builds a
#: validator without it where no cell can be a bool (the history's CSV rows: learning.history_io).
BOOL_FOR_NUMBER_CHECK = _Record._no_bool_for_numbers.__name__


@functools.cache
def _numeric_fields(model: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    """(fields holding a number, fields holding a mapping to numbers) of a record class."""
    fields = model.model_fields.items()
    return (frozenset(name for name, f in fields if _is_numeric(f.annotation)),
            frozenset(name for name, f in fields if _is_numeric_mapping(f.annotation)))


def _is_numeric(annotation: Any) -> bool:
    """int or float (optionally None), but not bool."""
    args = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) \
        else (annotation,)
    kinds = {a for a in args if a is not type(None)}
    return bool(kinds) and kinds <= {int, float}


def _is_numeric_mapping(annotation: Any) -> bool:
    return typing.get_origin(annotation) is dict and _is_numeric(typing.get_args(annotation)[1])


# --------------------------------------------------------------------------- enums


class ProgramType(str, Enum):
    """Kinds of training program, each mapped to WIOA PIRL element 1303 and CTDL.

    See ``docs/interop.md`` for the mapping and its sources.
    """

    PRE_APPRENTICESHIP = "pre_apprenticeship"
    REGISTERED_APPRENTICESHIP = "registered_apprenticeship"
    OJT = "ojt"
    CUSTOMIZED = "customized_training"
    OCCUPATIONAL_SKILLS = "occupational_skills"
    INCUMBENT_WORKER = "incumbent_worker"
    WORK_EXPERIENCE = "work_experience"
    YOUTH = "youth"

    @property
    def label(self) -> str:
        return PROGRAM_TYPE_LABELS[self]

    @property
    def pirl_1303(self) -> str | None:
        """WIOA PIRL element 1303 'Type of Training Service' code, if the type has one."""
        return PIRL_1303[self]

    @property
    def is_paid_by_design(self) -> bool:
        """OJT, apprenticeship and work experience pay a wage by their nature."""
        return self in (ProgramType.OJT, ProgramType.REGISTERED_APPRENTICESHIP, ProgramType.WORK_EXPERIENCE,
                        ProgramType.INCUMBENT_WORKER)


PROGRAM_TYPE_LABELS = {
    ProgramType.PRE_APPRENTICESHIP: N_("Pre-apprenticeship"),
    ProgramType.REGISTERED_APPRENTICESHIP: N_("Registered apprenticeship"),
    ProgramType.OJT: N_("On-the-job training"),
    ProgramType.CUSTOMIZED: N_("Customized training"),
    ProgramType.OCCUPATIONAL_SKILLS: N_("Occupational skills training"),
    ProgramType.INCUMBENT_WORKER: N_("Incumbent worker training"),
    ProgramType.WORK_EXPERIENCE: N_("Work experience / transitional job"),
    ProgramType.YOUTH: N_("Youth program"),
}

# Codes named in the PIRL (ETA-9172) "Type of Training Service" list. Work
# experience and incumbent worker training are reported in other PIRL elements,
# not as a 1303 code, so they map to None (docs/interop.md explains).
PIRL_1303: dict[ProgramType, str | None] = {
    ProgramType.OJT: "01",
    ProgramType.CUSTOMIZED: "05",
    ProgramType.OCCUPATIONAL_SKILLS: "06",
    ProgramType.PRE_APPRENTICESHIP: "08",
    ProgramType.REGISTERED_APPRENTICESHIP: "09",
    ProgramType.YOUTH: "10",
    ProgramType.INCUMBENT_WORKER: None,
    ProgramType.WORK_EXPERIENCE: None,
}

# Short names coaches type on the command line.
PROGRAM_TYPE_ALIASES = {
    "pre-apprenticeship": ProgramType.PRE_APPRENTICESHIP,
    "preapprenticeship": ProgramType.PRE_APPRENTICESHIP,
    "apprenticeship": ProgramType.REGISTERED_APPRENTICESHIP,
    "ra": ProgramType.REGISTERED_APPRENTICESHIP,
    "on-the-job": ProgramType.OJT,
    "customized": ProgramType.CUSTOMIZED,
    "ost": ProgramType.OCCUPATIONAL_SKILLS,
    "ita": ProgramType.OCCUPATIONAL_SKILLS,
    "iwt": ProgramType.INCUMBENT_WORKER,
    "work-experience": ProgramType.WORK_EXPERIENCE,
    "transitional-job": ProgramType.WORK_EXPERIENCE,
}


class Sector(str, Enum):
    ADVANCED_MANUFACTURING = "advanced_manufacturing"
    CLEAN_ENERGY = "clean_energy"
    CONSTRUCTION = "construction"
    HEALTHCARE = "healthcare"
    EARLY_LEARNING = "early_learning"
    TECHNOLOGY = "technology"
    TRANSPORTATION_LOGISTICS = "transportation_logistics"
    HOSPITALITY = "hospitality"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.ADVANCED_MANUFACTURING: N_("Advanced manufacturing"),
    Sector.CLEAN_ENERGY: N_("Clean energy"),
    Sector.CONSTRUCTION: N_("Construction"),
    Sector.HEALTHCARE: N_("Healthcare and social assistance"),
    Sector.EARLY_LEARNING: N_("Child care and early education"),
    Sector.TECHNOLOGY: N_("Technology"),
    Sector.TRANSPORTATION_LOGISTICS: N_("Transportation and logistics"),
    Sector.HOSPITALITY: N_("Hospitality and food service"),
    Sector.OTHER: N_("Other"),
}


class EducationLevel(str, Enum):
    """Highest education completed, ordered (compare with :meth:`rank`)."""

    NONE = "none"
    SOME_HIGH_SCHOOL = "some_high_school"
    HS_DIPLOMA_OR_GED = "hs_diploma_or_ged"
    SOME_COLLEGE = "some_college"
    POSTSECONDARY_CERTIFICATE = "postsecondary_certificate"
    ASSOCIATE = "associate"
    BACHELOR = "bachelor"
    GRADUATE = "graduate"

    @property
    def rank(self) -> int:
        return _EDUCATION_RANK[self]

    @property
    def label(self) -> str:
        return EDUCATION_LABELS[self]


# English labels (the msgids of the message catalogs: person-facing code shows i18n._(x.label)).
EDUCATION_LABELS = {
    EducationLevel.NONE: N_("none"),
    EducationLevel.SOME_HIGH_SCHOOL: N_("some high school"),
    EducationLevel.HS_DIPLOMA_OR_GED: N_("high school diploma or GED"),
    EducationLevel.SOME_COLLEGE: N_("some college"),
    EducationLevel.POSTSECONDARY_CERTIFICATE: N_("postsecondary certificate"),
    EducationLevel.ASSOCIATE: N_("associate"),
    EducationLevel.BACHELOR: N_("bachelor"),
    EducationLevel.GRADUATE: N_("graduate"),
}
_EDUCATION_RANK = {level: i for i, level in enumerate(EducationLevel)}  # list(Enum).index is slow on hot paths


class EmploymentStatus(str, Enum):
    """Employment status at intake (PIRL element 400's categories)."""

    EMPLOYED = "employed"
    EMPLOYED_NOTICE_OF_LAYOFF = "employed_notice_of_layoff"
    UNEMPLOYED = "unemployed"
    NOT_IN_LABOR_FORCE = "not_in_labor_force"

    @property
    def is_employed(self) -> bool:
        return self in (EmploymentStatus.EMPLOYED, EmploymentStatus.EMPLOYED_NOTICE_OF_LAYOFF)


class TimeOfDay(str, Enum):
    DAY = "day"
    EVENING = "evening"
    WEEKEND = "weekend"


class Delivery(str, Enum):
    IN_PERSON = "in_person"
    HYBRID = "hybrid"
    ONLINE = "online"


class TravelMode(str, Enum):
    CAR = "car"
    TRANSIT = "transit"
    BIKE = "bike"
    WALK = "walk"
    RIDE_FROM_OTHERS = "ride_from_others"


class PhysicalDemand(str, Enum):
    SEDENTARY = "sedentary"
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"

    @property
    def rank(self) -> int:
        return _DEMAND_RANK[self]


_DEMAND_RANK = {demand: i for i, demand in enumerate(PhysicalDemand)}


class PaidKind(str, Enum):
    NONE = "none"
    WAGE = "wage"
    STIPEND = "stipend"


class Funding(str, Enum):
    """Ways a program's cost can be covered for an eligible participant."""

    FREE = "free"
    WIOA_ITA = "wioa_ita"
    WIOA_OJT = "wioa_ojt"
    EMPLOYER_PAID = "employer_paid"
    PELL = "pell"
    STATE_GRANT = "state_grant"
    GI_BILL = "gi_bill"
    SCHOLARSHIP = "scholarship"
    PAYMENT_PLAN = "payment_plan"


class Support(str, Enum):
    """Supportive services a program (or the board, through it) provides."""

    CHILDCARE = "childcare"
    TRANSPORTATION = "transportation"
    TRANSIT_PASS = "transit_pass"
    TOOLS_GEAR = "tools_gear"
    STIPEND = "stipend"
    LICENSE_REINSTATEMENT = "license_reinstatement"
    DRIVERS_ED = "drivers_ed"
    HOUSING_REFERRAL = "housing_referral"
    LANGUAGE_SUPPORT = "language_support"
    MENTORING = "mentoring"
    TUTORING = "tutoring"
    DIGITAL_SKILLS = "digital_skills"
    LAPTOP_LOAN = "laptop_loan"
    ACCOMMODATIONS = "accommodations"
    RECORD_EXPUNGEMENT = "record_expungement"
    CASE_MANAGEMENT = "case_management"
    EMERGENCY_FUNDS = "emergency_funds"
    GED_PREP = "ged_prep"
    HOTSPOT_LOAN = "hotspot_loan"

    @property
    def label(self) -> str:
        return SUPPORT_LABELS[self]


SUPPORT_LABELS = {
    Support.CHILDCARE: N_("childcare support"),
    Support.TRANSPORTATION: N_("transportation help"),
    Support.TRANSIT_PASS: N_("a transit pass"),
    Support.TOOLS_GEAR: N_("tools and work gear"),
    Support.STIPEND: N_("a training stipend"),
    Support.LICENSE_REINSTATEMENT: N_("help getting a driver's license reinstated"),
    Support.DRIVERS_ED: N_("help getting a driver's license"),
    Support.HOUSING_REFERRAL: N_("housing referrals"),
    Support.LANGUAGE_SUPPORT: N_("language support"),
    Support.MENTORING: N_("mentoring"),
    Support.TUTORING: N_("tutoring in reading and math"),
    Support.DIGITAL_SKILLS: N_("basic computer skills help"),
    Support.LAPTOP_LOAN: N_("a loaner laptop"),
    Support.ACCOMMODATIONS: N_("disability accommodations"),
    Support.RECORD_EXPUNGEMENT: N_("help clearing a criminal record"),
    Support.CASE_MANAGEMENT: N_("a case manager"),
    Support.EMERGENCY_FUNDS: N_("emergency funds"),
    Support.GED_PREP: N_("help earning a GED while you train"),
    Support.HOTSPOT_LOAN: N_("a loaner internet hotspot"),
}


class DigitalAccess(str, Enum):
    """What a seeker has for online learning (an online or hybrid program needs a computer and internet)."""

    COMPUTER_AND_INTERNET = "computer_and_internet"
    COMPUTER_NO_INTERNET = "computer_no_internet"  # a computer but no home internet
    PHONE_ONLY = "phone_only"  # a smartphone, no computer
    NONE = "none"  # neither

    @property
    def needs_device(self) -> bool:
        return self in (DigitalAccess.PHONE_ONLY, DigitalAccess.NONE)

    @property
    def needs_internet(self) -> bool:
        return self in (DigitalAccess.COMPUTER_NO_INTERNET, DigitalAccess.NONE)

    @property
    def label(self) -> str:
        return DIGITAL_ACCESS_LABELS[self]


DIGITAL_ACCESS_LABELS = {
    DigitalAccess.COMPUTER_AND_INTERNET: N_("a computer and home internet"),
    DigitalAccess.COMPUTER_NO_INTERNET: N_("a computer but no home internet"),
    DigitalAccess.PHONE_ONLY: N_("a phone but no computer"),
    DigitalAccess.NONE: N_("no computer or home internet"),
}


class RecordCategory(str, Enum):
    """Kinds of criminal record a program's background check may screen out.

    Coarse on purpose: coaches record what matters for eligibility, not the
    offence itself.
    """

    ANY_CONVICTION = "any_conviction"
    FELONY = "felony"
    VIOLENT_FELONY = "violent_felony"
    SEX_OFFENSE = "sex_offense"
    THEFT_FRAUD = "theft_fraud"
    DRUG_OFFENSE = "drug_offense"
    RECENT_DUI = "recent_dui"
    CRIMES_AGAINST_VULNERABLE = "crimes_against_vulnerable"

    @property
    def label(self) -> str:
        return RECORD_LABELS[self]


RECORD_LABELS = {
    RecordCategory.ANY_CONVICTION: N_("any conviction"),
    RecordCategory.FELONY: N_("felonies"),
    RecordCategory.VIOLENT_FELONY: N_("violent felonies"),
    RecordCategory.SEX_OFFENSE: N_("sex offenses"),
    RecordCategory.THEFT_FRAUD: N_("theft or fraud"),
    RecordCategory.DRUG_OFFENSE: N_("drug offenses"),
    RecordCategory.RECENT_DUI: N_("a DUI"),
    RecordCategory.CRIMES_AGAINST_VULNERABLE: N_("crimes against vulnerable people"),
}


class Barrier(str, Enum):
    """Barriers to employment a coach records, each with its PIRL element if one exists."""

    NO_DRIVERS_LICENSE = "no_drivers_license"
    SUSPENDED_LICENSE = "suspended_license"
    NO_CAR = "no_car"
    JUSTICE_INVOLVED = "justice_involved"
    CHILDCARE = "childcare"
    HOUSING_INSTABILITY = "housing_instability"
    HOMELESS = "homeless"
    LIMITED_ENGLISH = "limited_english"
    BASIC_SKILLS = "basic_skills"
    DIGITAL_LITERACY = "digital_literacy"
    DISABILITY_ACCOMMODATION = "disability_accommodation"
    LOW_INCOME = "low_income"
    SINGLE_PARENT = "single_parent"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    NO_INCOME_WHILE_TRAINING = "no_income_while_training"
    FOSTER_CARE_YOUTH = "foster_care_youth"
    DISPLACED_HOMEMAKER = "displaced_homemaker"
    CULTURAL_BARRIERS = "cultural_barriers"

    @property
    def pirl_element(self) -> str | None:
        return BARRIER_PIRL.get(self)

    @property
    def label(self) -> str:
        return BARRIER_LABELS[self]


# PIRL "barrier to employment" elements. The issue that opened this work named
# 800-806 and 402; others are left None rather than guessed (docs/interop.md).
BARRIER_PIRL: dict[Barrier, str] = {
    Barrier.HOMELESS: "800",
    Barrier.HOUSING_INSTABILITY: "800",
    Barrier.JUSTICE_INVOLVED: "801",
    Barrier.LOW_INCOME: "802",
    Barrier.LIMITED_ENGLISH: "803",
    Barrier.BASIC_SKILLS: "804",
    Barrier.CULTURAL_BARRIERS: "805",
    Barrier.SINGLE_PARENT: "806",
    Barrier.DISPLACED_HOMEMAKER: "807",
    Barrier.LONG_TERM_UNEMPLOYED: "402",
}

BARRIER_LABELS = {
    Barrier.NO_DRIVERS_LICENSE: N_("no driver's license"),
    Barrier.SUSPENDED_LICENSE: N_("suspended driver's license"),
    Barrier.NO_CAR: N_("no car"),
    Barrier.JUSTICE_INVOLVED: N_("a criminal record"),
    Barrier.CHILDCARE: N_("needs childcare"),
    Barrier.HOUSING_INSTABILITY: N_("unstable housing"),
    Barrier.HOMELESS: N_("homeless"),
    Barrier.LIMITED_ENGLISH: N_("limited English"),
    Barrier.BASIC_SKILLS: N_("needs reading or math help"),
    Barrier.DIGITAL_LITERACY: N_("needs computer skills help"),
    Barrier.DISABILITY_ACCOMMODATION: N_("needs accommodations"),
    Barrier.LOW_INCOME: N_("low income"),
    Barrier.SINGLE_PARENT: N_("single parent"),
    Barrier.LONG_TERM_UNEMPLOYED: N_("out of work a long time"),
    Barrier.NO_INCOME_WHILE_TRAINING: N_("no income while training"),
    Barrier.FOSTER_CARE_YOUTH: N_("in or aged out of foster care"),
    Barrier.DISPLACED_HOMEMAKER: N_("displaced homemaker"),
    Barrier.CULTURAL_BARRIERS: N_("cultural barriers"),
}


class CredentialType(str, Enum):
    """What a program leads to, in the words of the ETA-9171 "potential outcome" list that state ETPLs use."""

    INDUSTRY_CERTIFICATION = "industry_certification"  # industry-recognized certificate or certification
    APPRENTICESHIP_CERTIFICATE = "apprenticeship_certificate"  # certificate of completion of an apprenticeship
    LICENSE = "license"  # license recognized by the state or federal government
    ASSOCIATE_DEGREE = "associate_degree"
    BACHELOR_DEGREE = "bachelor_degree"
    GRADUATE_DEGREE = "graduate_degree"
    COLLEGE_CERTIFICATE = "college_certificate"  # community college certificate of completion
    SECONDARY_DIPLOMA = "secondary_diploma"  # secondary school diploma or its equivalent
    SKILL_GAIN_CREDENTIAL = "skill_gain_credential"  # measurable skill gain leading to a credential
    SKILL_GAIN_EMPLOYMENT = "skill_gain_employment"  # measurable skill gain leading to employment
    CERTIFICATE_OF_COMPLETION = "certificate_of_completion"  # a provider's own certificate
    NO_CREDENTIAL = "no_credential"  # employment only

    @property
    def label(self) -> str:
        return CREDENTIAL_TYPE_LABELS[self]


CREDENTIAL_TYPE_LABELS = {
    CredentialType.INDUSTRY_CERTIFICATION: N_("an industry-recognized certification"),
    CredentialType.APPRENTICESHIP_CERTIFICATE: N_("a certificate of completion of an apprenticeship"),
    CredentialType.LICENSE: N_("a state or federal license"),
    CredentialType.ASSOCIATE_DEGREE: N_("an associate degree"),
    CredentialType.BACHELOR_DEGREE: N_("a bachelor's degree"),
    CredentialType.GRADUATE_DEGREE: N_("a graduate degree"),
    CredentialType.COLLEGE_CERTIFICATE: N_("a community college certificate"),
    CredentialType.SECONDARY_DIPLOMA: N_("a high school diploma or equivalent"),
    CredentialType.SKILL_GAIN_CREDENTIAL: N_("skills toward a credential"),
    CredentialType.SKILL_GAIN_EMPLOYMENT: N_("skills toward a job"),
    CredentialType.CERTIFICATE_OF_COMPLETION: N_("a certificate of completion"),
    CredentialType.NO_CREDENTIAL: N_("no credential (leads straight to work)"),
}


class ProviderType(str, Enum):
    """Kind of organisation that runs a program (the ETA-9171 entity types, plus apprenticeship sponsors)."""

    COMMUNITY_COLLEGE = "community_college"
    UNIVERSITY = "university"
    PRIVATE_FOR_PROFIT = "private_for_profit"
    PRIVATE_NONPROFIT = "private_nonprofit"
    PUBLIC_AGENCY = "public_agency"
    APPRENTICESHIP_SPONSOR = "apprenticeship_sponsor"
    EMPLOYER = "employer"
    UNION = "union"
    COMMUNITY_ORGANIZATION = "community_organization"
    OTHER = "other"


class FieldStatus(str, Enum):
    """How a field's value was obtained from a source (docs/sources.md)."""

    REPORTED = "reported"  # read from the source as given (converted, e.g. 513902 -> 51.3902)
    DERIVED = "derived"  # worked out from other values (CIP -> occupations, occupations -> sector, a rule)
    ESTIMATE = "estimate"  # converted with a stated approximation (quarterly earnings -> hourly)
    ASSUMED = "assumed"  # the source has no value; the mapping's stated assumption fills a field the matcher needs
    NOT_REPORTED = "not_reported"  # the source left it blank or marked it not reported (ERROR, -1, N/A)
    SUPPRESSED = "suppressed"  # the source withheld it (small-cell privacy)

    @property
    def is_unknown(self) -> bool:
        return self in (FieldStatus.NOT_REPORTED, FieldStatus.SUPPRESSED)


SourceKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]


class SourceRef(_Record):
    """One source a program record came from: a mapped file, a CTDL document, or a board's own entry."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)] = Field(
        description="The source's name, e.g. the mapping name 'tx-etpl' or 'ctdl'.")
    record_id: SourceKey | None = Field(default=None, description="The record's own id in the source.")
    file: FreeText | None = Field(default=None, description="File name it was read from.")
    row: int | None = Field(default=None, ge=1, description="Row (CSV: spreadsheet row) in that file.")
    provider_id: SourceKey | None = Field(default=None, description="The provider's id in the source.")
    updated: dt.date | None = Field(default=None, description="When the source last updated the record.")

    @property
    def key(self) -> str:
        """How provenance entries name this source: ``name:record_id`` (or just the name)."""
        return f"{self.name}:{self.record_id}" if self.record_id else self.name


class FieldSource(_Record):
    """Provenance of one field of a program: its status, the source and column it came from, and why."""

    field: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    status: FieldStatus
    source: SourceKey | None = Field(default=None, description="Key of one of the program's sources.")
    column: FreeText | None = Field(default=None, description="Source column(s) or property the value came from.")
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


# --------------------------------------------------------------------------- program parts


class Prerequisites(_Record):
    """What a program requires before someone can start."""

    skills: list[TaxonomyId] = Field(default_factory=list,
                                     description="Canonical skill/credential IDs required at entry.")
    min_education: EducationLevel = EducationLevel.NONE
    min_age: int | None = Field(default=None, ge=14, le=99)
    max_age: int | None = Field(default=None, ge=14, le=99,
                                description="Upper age limit, e.g. 24 for WIOA youth programs.")
    must_be_employed: bool = Field(default=False,
                                   description="Only for people already employed (incumbent worker training).")
    drivers_license: bool = False
    background_check: bool = False
    background_exclusions: list[RecordCategory] = Field(
        default_factory=list, description="Record categories the background check screens out."
    )
    drug_test: bool = False
    physical_demand: PhysicalDemand | None = None
    work_authorization: bool = False
    min_reading_grade: int | None = Field(default=None, ge=1, le=16)
    min_math_grade: int | None = Field(default=None, ge=1, le=16)
    background_lookback_years: dict[RecordCategory, int] = Field(
        default_factory=dict,
        description="For excluded categories screened only when recent: years of look-back "
                    "(e.g. {\"felony\": 7} for 'no felony convictions in the last 7 years').")
    accommodates_physical_limits: bool = Field(
        default=False, description="The program can adjust its physical demand for someone with a stated limit.")

    @model_validator(mode="after")
    def _consistent(self) -> Prerequisites:
        if self.background_exclusions and not self.background_check:
            raise ValueError("background_exclusions are listed but background_check is false")
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise ValueError("max_age is below min_age")
        stray = [c.value for c in self.background_lookback_years if c not in self.background_exclusions]
        if stray:
            raise ValueError(f"background_lookback_years names {', '.join(stray)}, which "
                             f"background_exclusions does not list")
        for category, years in self.background_lookback_years.items():
            if not 1 <= years <= 99:
                raise ValueError(f"background_lookback_years for {category.value} must be 1 to 99 years")
        return self


class Schedule(_Record):
    times: list[TimeOfDay] = Field(min_length=1, description="When sessions meet: day, evening and/or weekend.")
    hours_per_week: float = Field(gt=0, le=80)
    self_paced: bool = False


class Cost(_Record):
    tuition_usd: Money = 0.0
    funding: list[Funding] = Field(default_factory=list)
    tuition_reported: bool = Field(
        default=True, description="False when the source did not report the cost: tuition_usd is then a 0 "
                                  "placeholder and the program is not taken to be free.")

    @model_validator(mode="after")
    def _unreported_cost_is_no_number(self) -> Cost:
        if not self.tuition_reported and self.tuition_usd != 0:
            raise ValueError("tuition_usd must be 0 (a placeholder) when tuition_reported is false")
        return self

    @property
    def is_free(self) -> bool:
        # An unreported cost is unknown, never free (unless the funding says so).
        return Funding.FREE in self.funding or (self.tuition_reported and self.tuition_usd == 0)


class PaidTraining(_Record):
    kind: PaidKind = PaidKind.NONE
    hourly_wage: HourlyWage | None = None
    stipend_usd: Money | None = Field(default=None, description="Total stipend over the program.")

    @model_validator(mode="after")
    def _amount_matches_kind(self) -> PaidTraining:
        if self.kind is PaidKind.WAGE and self.hourly_wage is None:
            raise ValueError("hourly_wage is required when kind is 'wage'")
        if self.kind is PaidKind.STIPEND and self.stipend_usd is None:
            raise ValueError("stipend_usd is required when kind is 'stipend'")
        return self

    @property
    def is_paid(self) -> bool:
        return self.kind is not PaidKind.NONE


class Location(_Record):
    delivery: Delivery = Delivery.IN_PERSON
    zip: ZipCode | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    county: ShortText | None = None
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    transit_access: bool = False
    address: FreeText | None = None
    city: ShortText | None = None

    @model_validator(mode="after")
    def _in_person_needs_a_place(self) -> Location:
        if self.delivery is not Delivery.ONLINE and self.zip is None and self.latitude is None:
            raise ValueError("an in-person or hybrid program needs a zip or coordinates")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude must be given together")
        return self


class Outcomes(_Record):
    completion_rate: Rate | None = None
    placement_rate: Rate | None = None
    median_starting_wage: HourlyWage | None = None
    cohort_size: int | None = Field(default=None, ge=0)
    # What ETPL performance reports (ETA-9171) and IPEDS carry. None = not known; whether it was
    # "not reported" or "suppressed" by the source is in Program.provenance.
    total_served: Count | None = Field(default=None, description="Participants served in the reporting period.")
    total_exited: Count | None = Field(default=None, description="Participants who exited in the period.")
    total_completed: Count | None = Field(default=None, description="Participants who completed (IPEDS: awards).")
    credential_rate: Rate | None = Field(default=None, description="Share of exiters who earned the credential.")
    employment_rate_q2: Rate | None = Field(default=None, description="Share employed in the 2nd quarter after exit.")
    employment_rate_q4: Rate | None = Field(default=None, description="Share employed in the 4th quarter after exit.")
    median_earnings_q2_usd: Money | None = Field(
        default=None,
        description="Median earnings in the 2nd quarter after exit: US dollars for the quarter, not hourly.")
    period: ShortText | None = Field(default=None, description="Reporting period the measures cover, e.g. 2023-24.")

    @model_validator(mode="after")
    def _counts_consistent(self) -> Outcomes:
        served = self.total_served
        if served is not None:
            for name in ("total_exited", "total_completed"):
                value = getattr(self, name)
                if value is not None and value > served:
                    raise ValueError(f"{name} ({value}) is above total_served ({served})")
        return self


class Program(_Record):
    """One training program in a catalog."""

    id: RecordId
    name: ShortText
    provider: ShortText
    type: ProgramType
    sector: Sector
    target_occupations: list[SocCode] = Field(min_length=1, description="O*NET-SOC codes the program leads to.")
    cip_code: CipCode | None = None
    skills_taught: list[TaxonomyId] = Field(default_factory=list)
    credentials_awarded: list[TaxonomyId] = Field(default_factory=list)
    prerequisites: Prerequisites = Field(default_factory=Prerequisites)
    schedule: Schedule
    duration_weeks: float | None = Field(default=None, gt=0, le=260,
                                         description="Length in weeks; None when the source does not say.")
    cost: Cost = Field(default_factory=Cost)
    paid: PaidTraining = Field(default_factory=PaidTraining)
    supports: list[Support] = Field(default_factory=list)
    languages: list[LangCode] = Field(default_factory=lambda: ["en"], min_length=1)
    location: Location
    seats: int | None = Field(default=None, ge=0, le=100_000)
    next_start: dt.date | None = None
    outcomes: Outcomes = Field(default_factory=Outcomes)
    employer_partners: list[ShortText] = Field(default_factory=list)
    description: FreeText = ""
    url: Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://")] | None = None
    sample_data: bool = Field(default=False, description="True for the fictional sample catalog.")
    # What public catalogs (ETPL, IPEDS, apprenticeship registries, CTDL) carry; see docs/sources.md.
    credential_type: CredentialType | None = Field(
        default=None, description="What completers earn, in the ETA-9171 'potential outcome' terms.")
    credential_name: ShortText | None = Field(default=None, description="The credential as the source names it.")
    contact_hours: float | None = Field(default=None, gt=0, le=20_000, description="Total hours of instruction.")
    pell_eligible: bool | None = Field(default=None, description="Federal Pell Grant eligible; None = not known.")
    provider_type: ProviderType | None = None
    sources: list[SourceRef] = Field(
        default_factory=list, description="Where the record came from; more than one after duplicates are merged.")
    provenance: list[FieldSource] = Field(
        default_factory=list,
        description="Per-field status (derived, assumed, estimate, not reported, suppressed) and source. A field "
                    "not listed was read as given from the first source (or typed in by hand).")

    @field_validator("target_occupations", "skills_taught", "credentials_awarded", "supports", "languages",
                     "employer_partners")
    @classmethod
    def _no_duplicates(cls, value: list[Any]) -> list[Any]:
        seen: set[Any] = set()
        out = []
        for item in value:
            if item not in seen:
                seen.add(item)
                out.append(item)
        return out

    @model_validator(mode="after")
    def _provenance_consistent(self) -> Program:
        keys = {s.key for s in self.sources}
        seen: set[str] = set()
        for entry in self.provenance:
            if entry.field not in PROGRAM_FIELD_PATHS:
                raise ValueError(f"provenance names {entry.field!r}, which is not a program field")
            if entry.field in seen:
                raise ValueError(f"provenance lists {entry.field!r} twice")
            seen.add(entry.field)
            if entry.source is not None and entry.source not in keys:
                raise ValueError(f"provenance of {entry.field!r} names source {entry.source!r}, "
                                 f"which is not among the record's sources")
            if entry.status in (FieldStatus.NOT_REPORTED, FieldStatus.SUPPRESSED):
                # Unknown stays unknown: a measure the source withheld is never a number here.
                default = _FIELD_DEFAULTS[entry.field]
                if entry.field == "cost.tuition_usd":
                    if self.cost.tuition_reported:
                        raise ValueError("cost.tuition_usd is marked not reported but cost.tuition_reported is true")
                elif default is _NO_DEFAULT:
                    raise ValueError(f"{entry.field} is required, so it cannot be {entry.status.value}; "
                                     f"mark the value used as 'assumed'")
                elif _value_at(self, entry.field) != default:
                    raise ValueError(f"{entry.field} is marked {entry.status.value} but has a value")
        return self

    def field_source(self, path: str) -> FieldSource | None:
        """The provenance entry of a field (``outcomes.completion_rate``), or None when read as given."""
        for entry in self.provenance:
            if entry.field == path:
                return entry
        return None

    def field_status(self, path: str) -> FieldStatus:
        """How a field's value was obtained: ``reported`` unless provenance says otherwise."""
        entry = self.field_source(path)
        return entry.status if entry is not None else FieldStatus.REPORTED


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted field path of a record type (nested records expanded)."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, _Record):
            out.extend(_field_paths(annotation, f"{path}."))
    return out


#: Dotted paths of every Program field, nested ones included (``schedule.times``).
PROGRAM_FIELD_PATHS: frozenset[str] = frozenset(_field_paths(Program)) - {"sources", "provenance"}

_NO_DEFAULT = object()


def _field_defaults(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    """Each field's default (what it holds when a source says nothing); _NO_DEFAULT for required fields."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if info.is_required():
            out[path] = _NO_DEFAULT
        else:
            out[path] = info.get_default(call_default_factory=True)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, _Record):
            out.update(_field_defaults(annotation, f"{path}."))
    return out


# A field marked not reported or suppressed must hold its default: None for the optional
# fields, the model default (no requirement, in person, no supports...) for the others.
_FIELD_DEFAULTS: dict[str, Any] = _field_defaults(Program)


def _value_at(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


# --------------------------------------------------------------------------- job seeker


class Household(_Record):
    adults: int = Field(default=1, ge=1, le=10)
    children: int = Field(default=0, ge=0, le=15)
    county: ShortText | None = Field(default=None,
                                     description="County name or 5-digit FIPS, for the self-sufficiency target.")


class Availability(_Record):
    times: list[TimeOfDay] = Field(default_factory=lambda: list(TimeOfDay),
                                   description="When the seeker can attend; default any time.")
    max_hours_per_week: float | None = Field(default=None, gt=0, le=80)


class Travel(_Record):
    modes: list[TravelMode] = Field(default_factory=list, description="How the seeker can get there.")
    max_miles: float | None = Field(default=None, ge=0, le=500)
    online_ok: bool = True


class Interests(_Record):
    sectors: list[Sector] = Field(default_factory=list)
    occupations: list[ShortText] = Field(
        default_factory=list, description="O*NET-SOC codes or job titles in free text."
    )


class SeekerProfile(_Record):
    """What the matcher reads about a job seeker. Every field is optional: a kiosk
    user may give only a ZIP and two interests, a coach a full intake.

    Demographics are deliberately absent: see :class:`Demographics`.
    """

    id: RecordId | None = None
    skills: list[ShortText] = Field(
        default_factory=list, description="Skills and credentials as typed (free text)."
    )
    skill_ids: list[TaxonomyId] = Field(default_factory=list, description="Canonical skill/credential IDs.")
    work_history: list[ShortText] = Field(
        default_factory=list, description="Past job titles, most recent first."
    )
    employment_status: EmploymentStatus | None = None
    education: EducationLevel | None = None
    reading_grade: int | None = Field(default=None, ge=1, le=16)
    math_grade: int | None = Field(default=None, ge=1, le=16)
    interests: Interests = Field(default_factory=Interests)
    zip: ZipCode | None = None
    age: int | None = Field(default=None, ge=14, le=110)
    availability: Availability = Field(default_factory=Availability)
    travel: Travel = Field(default_factory=Travel)
    needs_income: bool = Field(default=False, description="Needs income while training.")
    max_cost_usd: Money | None = Field(default=None, description="What the seeker can pay out of pocket.")
    household: Household = Field(default_factory=Household)
    languages: list[LangCode] = Field(default_factory=lambda: ["en"], min_length=1,
                                      description="Languages the seeker can learn in, best first.")
    barriers: list[Barrier] = Field(default_factory=list)
    record_categories: list[RecordCategory] = Field(
        default_factory=list, description="Only when justice_involved: what a background check would show."
    )
    max_physical_demand: PhysicalDemand | None = None
    work_authorized: bool | None = None
    can_pass_drug_test: bool | None = None
    years_since_conviction: float | None = Field(
        default=None, ge=0, le=100, description="Years since the most recent conviction (with record_categories).")
    working_on_ged: bool = Field(default=False, description="Working toward a GED / high-school equivalency now.")
    digital_access: DigitalAccess | None = Field(
        default=None, description="Computer and internet at home, for online and hybrid programs.")

    @model_validator(mode="after")
    def _consistent(self) -> SeekerProfile:
        if self.record_categories and Barrier.JUSTICE_INVOLVED not in self.barriers:
            raise ValueError("record_categories are given but 'justice_involved' is not among the barriers")
        if self.years_since_conviction is not None and Barrier.JUSTICE_INVOLVED not in self.barriers:
            raise ValueError("years_since_conviction is given but 'justice_involved' is not among the barriers")
        return self

    @property
    def preferred_language(self) -> str:
        return self.languages[0]


class Demographics(_Record):
    """Kept for equity reporting only, never read by the matcher."""

    sex: Annotated[str, StringConstraints(max_length=40)] | None = None
    race_ethnicity: list[Annotated[str, StringConstraints(max_length=80)]] = Field(default_factory=list)
    disability: bool | None = None
    veteran: bool | None = None


# --------------------------------------------------------------------------- parsing helpers


# Personal answers: an error about them never repeats the value given.
SENSITIVE_FIELDS = frozenset({"barriers", "record_categories", "max_physical_demand", "can_pass_drug_test",
                              "years_since_conviction", "digital_access"})

# Pattern errors from pydantic quote the regex; people are told what is expected instead.
PATTERN_HINTS = {
    SOC_RE: "must be an O*NET-SOC code like 47-2031.00",
    CIP_RE: "must be a CIP 2020 code like 46.0000",
    ZIP_RE: "must be a 5-digit ZIP code like 97214",
    ID_RE: "must be 1-80 letters, digits, '_', '.', ':' or '-', starting with a letter or digit",
    LANG_RE: "must be a two-letter ISO 639-1 language code like en or es",
    r"^[A-Z]{2}$": "must be a two-letter state code like OR",
    r"^https?://": "must start with http:// or https://",
}


def plain_message(message: str) -> str:
    """Replace a quoted regex in a validation message with what a person should type."""
    for pattern, hint in PATTERN_HINTS.items():
        if f"'{pattern}'" in message:
            return hint
    return message


def parse_program(data: Any, *, row: int | None = None) -> Program:
    """Validate one program from a dict; raise :class:`ValidationError` naming each bad field."""
    return _parse(Program, data, row=row, what="program")


def parse_profile(data: Any, *, row: int | None = None) -> SeekerProfile:
    """Validate one job-seeker profile from a dict (or pass a profile through); ``row`` for caseloads."""
    return _parse(SeekerProfile, data, row=row, what="profile")


def _parse(model: type[_Record], data: Any, *, row: int | None, what: str) -> Any:
    import pydantic

    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        message = f"a {what} must be a JSON object, not {type(data).__name__}"
        raise ValidationError(message, field="(record)", problems=[FieldProblem("(record)", message, row)])
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = field_problems(exc, row=row)
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"invalid {what}: {first}{more}", field=first.field, problems=problems) from None


def field_problems(exc: Any, *, row: int | None = None, prefix: str = "") -> list[FieldProblem]:
    """A ``pydantic.ValidationError`` on a record as our field problems: plain pattern messages, and
    no value echoed for a personal field (wherever it is nested, e.g. ``profiles.2.barriers.0``)."""
    out = []
    for p in from_pydantic(exc, row=row, prefix=prefix):
        parts = p.field.split(".")
        sensitive = any(part in SENSITIVE_FIELDS for part in parts)
        out.append(FieldProblem(field=p.field, message=plain_message(p.message), row=p.row,
                                value=None if sensitive else p.value))
    return out


def normalize_code(text: str) -> str:
    """Fold a code a person typed ('53-7062', '537062') to O*NET-SOC form when it is one."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 6:
        return f"{digits[:2]}-{digits[2:]}.00"
    if len(digits) == 8:
        return f"{digits[:2]}-{digits[2:6]}.{digits[6:]}"
    return text.strip()
