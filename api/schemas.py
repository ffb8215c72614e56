"""Request and response models: they validate requests and generate the OpenAPI document.

Unknown fields are refused everywhere (query parameters too), as the
library's records already refuse them. Profiles and programs are the
library's own records (:class:`~matcher.records.SeekerProfile`,
:class:`~matcher.records.Program`); recommendation results are the engine's
own dataclasses, so the document follows the engine when it changes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from matcher import records
from matcher.engine import RecommendationList
from matcher.learning import history
from matcher.normalize import DEFAULT_THRESHOLD
from matcher.query import MAX_TOP
from matcher.records import Program, ProgramType, Sector
from matcher.selfsufficiency import SelfSufficiencyTarget

#: A hard cap on one batch; ``MATCHER_BATCH_MAX`` sets the (lower) limit in force.
BATCH_HARD_MAX = 200
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Phrase = Annotated[str, StringConstraints(max_length=200)]


def _iso_date_only(value: Any) -> Any:
    """A date as YYYY-MM-DD text (pydantic alone would also take 0 as 1970-01-01)."""
    if isinstance(value, str) and not (len(value) == 10 and value[4] == "-" and value[7] == "-"):
        raise ValueError("must be a date like 2026-03-01")
    if not isinstance(value, (str, dt.date)):
        raise ValueError("must be a date like 2026-03-01")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # flask-openapi3 asks for a query model's JSON Schema (no arguments) on every request, to read it;
        # a class's schema never changes, so it is made once. The document generator asks with arguments
        # and edits what it gets: it gets a copy.
        key = (cls, args, tuple(sorted(kwargs.items(), key=lambda kv: kv[0])))
        if key not in _SCHEMAS:
            _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return _SCHEMAS[key] if not args and not kwargs else copy.deepcopy(_SCHEMAS[key])


_SCHEMAS: dict[Any, dict[str, Any]] = {}


class StrictJson:
    """Request bodies are validated as JSON, strictly: ``"30"`` is not an age, ``0`` is not ``false``.

    (Query parameters arrive as text and are converted; records read from CSV files are converted
    too, by the library. A JSON body has real types, and a wrong one is a wrong request.)
    """

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Any:
        if isinstance(obj, (dict, list)):
            return cls.model_validate_json(json.dumps(obj), strict=True)  # type: ignore[attr-defined]
        return super().model_validate(obj, **kwargs)  # type: ignore[misc]


class SeekerProfile(StrictJson, records.SeekerProfile):
    """A job seeker's profile (the library's record, every field optional), validated strictly."""


# --------------------------------------------------------------------------- errors


class ProblemOut(ApiModel):
    field: str
    message: str
    row: int | None = None
    value: str | None = None


class ErrorOut(ApiModel):
    """The one error shape (``MatcherError.to_dict()``)."""

    error: str = Field(description="Stable machine-readable code, e.g. validation_error, not_found.")
    message: str
    field: str | None = Field(default=None, description="The input at fault, when there is one.")
    problems: list[ProblemOut] = Field(default_factory=list)


# --------------------------------------------------------------------------- shared parts


class CatalogInfo(ApiModel):
    version: int = Field(description="The catalog's version stamp: it changes with every import.")
    source: str
    programs: int


class FiltersOut(ApiModel):
    sector: Sector | None = None
    type: ProgramType | None = None
    max_miles: float | None = None
    start_before: dt.date | None = None
    top: int


# --------------------------------------------------------------------------- recommendations


class RecommendQuery(ApiModel):
    top: int = Field(default=10, ge=1, le=MAX_TOP, description="How many programs to return.")
    sector: Sector | None = Field(default=None, description="Only programs in this sector.")
    type: ProgramType | None = Field(default=None, description="Only programs of this type.")
    max_miles: float | None = Field(default=None, ge=0, le=500,
                                    description="Only programs this close to the seeker's ZIP (online ones pass).")
    start_before: IsoDate | None = Field(default=None, description="Only programs whose next start is before this.")


class RecommendationsOut(ApiModel):
    catalog: CatalogInfo
    model_version: str | None = Field(description="The learned model used; null: the engine's hand-set weights.")
    filters: FiltersOut
    programs_considered: int = Field(description="Programs the filters let the engine rank.")
    recommendations: RecommendationList


class BatchIn(StrictJson, ApiModel):
    profiles: list[SeekerProfile] = Field(min_length=1, max_length=BATCH_HARD_MAX)


class BatchOut(ApiModel):
    catalog: CatalogInfo
    model_version: str | None
    filters: FiltersOut
    programs_considered: int
    results: list[RecommendationList] = Field(description="One list per profile, in the order given.")


# --------------------------------------------------------------------------- programs


class ProgramsQuery(ApiModel):
    q: Text100 | None = Field(default=None, description="Words to find in the name, provider, description...")
    sector: Sector | None = None
    type: ProgramType | None = None
    county: Text100 | None = None
    provider: Text100 | None = None
    paid: bool | None = Field(default=None, description="Pays a wage or stipend while training.")
    free: bool | None = Field(default=None, description="No cost to the participant.")
    start_before: IsoDate | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)


class ProgramPath(ApiModel):
    program_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ProgramsPage(ApiModel):
    catalog: CatalogInfo
    total: int
    page: int
    per_page: int
    pages: int
    programs: list[Program]


class ImportQuery(ApiModel):
    skip_invalid: bool = Field(default=False,
                               description="Import the valid programs and report the bad rows (default: nothing "
                                           "is imported if any row is bad).")


class ImportOut(ApiModel):
    imported: Literal[True]
    rows: int
    added: int
    updated: int
    removed: int
    skipped_rows: int
    total: int
    catalog_version: int
    problems: list[ProblemOut]


class ValidateOut(ApiModel):
    ok: bool
    rows: int
    valid_programs: int
    problems: list[ProblemOut]


# --------------------------------------------------------------------------- skills, occupations, targets


class SearchQuery(ApiModel):
    q: Text100 = Field(description="What the person has typed so far.")
    limit: int = Field(default=10, ge=1, le=50)


class SkillHit(ApiModel):
    id: str
    name: str
    kind: str
    aliases: list[str]
    score: float


class SkillsOut(ApiModel):
    results: list[SkillHit]


class NormalizeIn(StrictJson, ApiModel):
    phrases: list[Phrase] = Field(min_length=1, max_length=50, description="Free text as typed, e.g. 'fork lift'.")
    kind: Literal["any", "skill", "occupation"] = "any"
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0, le=1)


class SuggestionOut(ApiModel):
    id: str
    name: str
    score: float
    kind: Literal["skill", "credential", "occupation"]


class MatchOut(ApiModel):
    text: str
    status: Literal["matched", "unmatched"]
    kind: Literal["skill", "credential", "occupation"] | None
    id: str | None
    name: str | None
    confidence: float
    method: str
    suggestions: list[SuggestionOut]


class NormalizeOut(ApiModel):
    results: list[MatchOut]


class OccupationHit(ApiModel):
    code: str
    title: str
    job_zone: int | None
    typical_education: str | None
    soc2018: str | None
    score: float


class OccupationsOut(ApiModel):
    results: list[OccupationHit]


class TargetQuery(ApiModel):
    county: Text100 | None = Field(default=None, description="County name or 5-digit FIPS; default: regional.")
    adults: int = Field(default=1, ge=1, le=10)
    children: int = Field(default=0, ge=0, le=15)


class TargetOut(ApiModel):
    target: SelfSufficiencyTarget


# --------------------------------------------------------------------------- operations


class HealthOut(ApiModel):
    status: Literal["ok"]


class ReadyOut(ApiModel):
    ready: bool
    checks: dict[str, dict[str, Any]]


class TokenOut(ApiModel):
    id: str
    name: str
    role: str
    created_at: str
    created_by: str
    revoked_at: str | None
    active: bool


class AuditQuery(ApiModel):
    action: Annotated[str, StringConstraints(max_length=60)] | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    before_id: int | None = Field(default=None, ge=1, description="Page back: entries older than this id.")
    participant_id: Annotated[str, StringConstraints(pattern=records.ID_RE)] | None = Field(
        default=None, description="Only the entries about this participant (named in the trail by a keyed hash).")


class AuditEntryOut(ApiModel):
    id: int
    at: str
    actor: str
    actor_name: str
    action: str
    subject: str | None
    detail: dict[str, Any]


class AuditOut(ApiModel):
    entries: list[AuditEntryOut]


# --------------------------------------------------------------------------- referral and outcome history


ParticipantId = Annotated[str, StringConstraints(pattern=records.ID_RE)]


class ReferralIn(StrictJson, ApiModel):
    """A coach's referral: who, where to, what else was considered, and why when it was not the top one."""

    participant_id: ParticipantId = Field(description="The participant's id in the board's case-management "
                                                      "system (letters, digits, _ . : -; up to 80).")
    program_id: ParticipantId = Field(description="The program referred to (an id in the catalog in force).")
    profile: SeekerProfile = Field(description="The participant's profile now: kept as training data.")
    enrollment_id: ParticipantId | None = Field(default=None, description="Your id for this referral; made "
                                                                          "by the service when left out.")
    considered_program_ids: list[ParticipantId] = Field(
        default_factory=list, max_length=50,
        description="Programs gone through with the participant, the one referred to included.")
    recommended_rank: int | None = Field(
        default=None, ge=1, le=1000,
        description="The program's rank in the list the coach saw; left out, the service ranks the profile "
                    "(no filters) and records the rank it finds (null when outside the top 50).")
    override_reason: history.OverrideReason | None = Field(
        default=None, description="Required when the program is not the top recommendation.")
    referred_on: dt.date | None = Field(default=None, description="Default: today.")
    training_type: history.TrainingType | None = Field(default=None, description="PIRL 1303 code, e.g. 01 for OJT.")
    demographics: history.ReportingDemographics | None = Field(
        default=None, description="Reporting-only (fairness audit): never read by the engine or the model.")


class ReferralOut(ApiModel):
    participant_id: str
    enrollment: history.Enrollment
    rank_source: Literal["coach", "matcher"] = Field(
        description="Whether recommended_rank is the one sent (coach) or the service's own ranking (matcher).")
    catalog: CatalogInfo
    model_version: str | None


class OutcomeIn(StrictJson, ApiModel):
    """What followed a referral (PIRL exit outcomes); sending it again corrects it."""

    enrollment_id: ParticipantId
    completed: bool
    credential_attained: bool | None = None
    employed_q2: bool | None = Field(default=None, description="Employed in the 2nd quarter after exit.")
    employed_q4: bool | None = Field(default=None, description="Employed in the 4th quarter after exit.")
    hourly_wage: records.HourlyWage | None = Field(default=None, description="Hourly wage of the job after exit.")
    median_quarterly_earnings: records.Money | None = Field(default=None,
                                                            description="Median earnings, 2nd quarter after exit.")
    related_employment: bool | None = None
    entry_date: dt.date | None = Field(default=None, description="Date training started (PIRL 1302), if not "
                                                                 "recorded yet.")
    exit_date: dt.date | None = Field(default=None, description="Date of exit, if not recorded yet.")


class OutcomeOut(ApiModel):
    enrollment: history.Enrollment
    outcome: history.Outcome
    training_label: Literal["success", "no_success", "not_known_yet"] = Field(
        description="What the next training run learns from it: success is completed and employed in Q2.")


class ParticipantPath(ApiModel):
    participant_id: ParticipantId


class HistoryEnrollmentOut(history.Enrollment):
    outcome: history.Outcome | None = None


class HistoryOut(ApiModel):
    participant_id: str
    profile: SeekerProfile
    demographics: history.ReportingDemographics
    enrollments: list[HistoryEnrollmentOut]


class ErasedOut(ApiModel):
    erased: str
    counts: dict[str, int] = Field(description="Rows deleted, by table.")


# --------------------------------------------------------------------------- models and jobs


VersionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]


class TrainIn(StrictJson, ApiModel):
    """A training run on the referrals and outcomes in the service's database."""

    promote: bool = Field(default=True, description="Promote the new version if it ranks at least as well as the "
                                                    "promoted one on the same held-out cohort.")
    force: bool = Field(default=False, description="Promote even if it measures worse.")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    participant_split: bool = Field(default=False, description="Also run the second (participant split) check.")


class JobOut(ApiModel):
    id: str
    kind: Literal["train"]
    status: Literal["queued", "running", "succeeded", "failed"]
    params: dict[str, Any]
    result: dict[str, Any] | None = Field(description="A training run's version, decision, metrics, fairness flags.")
    error: str | None
    requested_by: str = Field(description="The token id that asked for it.")
    created_at: str
    started_at: str | None
    finished_at: str | None


class JobPath(ApiModel):
    job_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]


class ModelSummary(ApiModel):
    version: str
    promoted: bool
    created: str | None = None
    metrics: dict[str, float | None] = Field(default_factory=dict)
    data_sha256: str | None = None


class ModelsOut(ApiModel):
    promoted: str | None = Field(description="The version the registry says is promoted.")
    serving: str | None = Field(description="The version this worker ranks with (null: the hand-set engine).")
    models: list[ModelSummary]


class VersionPath(ApiModel):
    version: VersionId


class ModelOut(ApiModel):
    version: str
    promoted: bool
    card: dict[str, Any] = Field(description="The model card (card.json), checksum verified.")
    report: dict[str, Any] | None = Field(description="The evaluation and fairness report (report.json).")


class ReasonIn(StrictJson, ApiModel):
    reason: Annotated[str, StringConstraints(max_length=500)] = Field(
        default="", description="Why: kept in the registry's event log and the audit trail.")


class PromotedOut(ApiModel):
    promoted: str
    previous: str | None
    serving: str | None = Field(description="The version this worker serves after the swap (every other worker "
                                            "follows within MATCHER_RELOAD_CHECK_SECONDS).")
