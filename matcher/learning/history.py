"""Outcome history records: who enrolled where, and what followed.

Three tables, aligned with the WIOA participant record (PIRL) where they can be
(``docs/learning.md`` gives the mapping and what is verified):

- :class:`Participant`: the job-seeker profile at enrollment (the same
  :class:`~matcher.records.SeekerProfile` the matcher reads) plus
  :class:`ReportingDemographics`, kept apart: they are read by the fairness audit
  only, never by the model or the engine.
- :class:`Enrollment`: a referral or enrollment of one participant in one program
  of the catalog in force, with dates, the PIRL 1303 type of training and, where
  the coach recorded them, the programs considered and an override reason when
  the person went somewhere other than the matcher's top recommendation.
- :class:`Outcome`: completion, credential, employment in the 2nd and 4th
  quarter after exit, wage, and whether the job is in a related occupation.

**Success**, what the model predicts (:func:`success`): the participant completed
the program *and* was employed in the 2nd quarter after exit. An outcome whose
Q2 employment is not known yet (and who completed) has no label and is left out
of training and evaluation.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any, TypeVar, overload

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..records import HourlyWage, Money, RecordId, SeekerProfile

#: PIRL 1303 "Type of Training Service" codes the matcher's program types map to (see docs/interop.md).
PIRL_1303_CODES = frozenset({"01", "05", "06", "08", "09", "10"})

#: Hours in a quarter of full-time work: turns median quarterly earnings into an hourly figure
#: when no hourly wage was recorded (13 weeks x 40 hours).
HOURS_PER_QUARTER = 520.0


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, use_enum_values=False)


# --------------------------------------------------------------------------- reporting-only fields


class Sex(str, Enum):
    """PIRL 201 (1 male, 2 female, 9 did not self-identify)."""

    FEMALE = "female"
    MALE = "male"
    NOT_SAID = "not_said"


class RaceEthnicity(str, Enum):
    """PIRL 210-216 categories (one person may report several)."""

    HISPANIC_LATINO = "hispanic_latino"
    AMERICAN_INDIAN_ALASKA_NATIVE = "american_indian_alaska_native"
    ASIAN = "asian"
    BLACK = "black_african_american"
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "native_hawaiian_pacific_islander"
    WHITE = "white"
    NOT_SAID = "not_said"


class AgeBand(str, Enum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_34 = "25_34"
    AGE_35_44 = "35_44"
    AGE_45_54 = "45_54"
    AGE_55_PLUS = "55_plus"


def age_band(age: int | None) -> AgeBand | None:
    """The reporting band of an age (None when unknown)."""
    if age is None:
        return None
    for limit, band in ((18, AgeBand.UNDER_18), (25, AgeBand.AGE_18_24), (35, AgeBand.AGE_25_34),
                        (45, AgeBand.AGE_35_44), (55, AgeBand.AGE_45_54)):
        if age < limit:
            return band
    return AgeBand.AGE_55_PLUS


class ReportingDemographics(_Record):
    """Kept for the fairness audit only: no model input and no engine rule ever reads these.

    ``justice_involved`` here is the reporting flag (PIRL "ex-offender"); the
    profile's barrier of the same name is what the engine's rules read.
    """

    sex: Sex | None = None
    race_ethnicity: list[RaceEthnicity] = Field(default_factory=list)
    age_band: AgeBand | None = None
    disability: bool | None = None
    justice_involved: bool | None = None
    veteran: bool | None = None


#: Reporting-only fields: an error about one never repeats the value given.
REPORTING_FIELDS = frozenset(ReportingDemographics.model_fields)


# --------------------------------------------------------------------------- the three tables


class Participant(_Record):
    """One person in the history: their profile at enrollment and their reporting demographics."""

    id: RecordId
    profile: SeekerProfile
    demographics: ReportingDemographics = Field(default_factory=ReportingDemographics)


class OverrideReason(str, Enum):
    """Why a coach referred someone to a program other than the matcher's top recommendation."""

    PARTICIPANT_CHOICE = "participant_choice"
    SCHEDULE = "schedule"
    LOCATION = "location"
    COST_OR_FUNDING = "cost_or_funding"
    NO_SEATS = "no_seats"
    EMPLOYER_MATCH = "employer_match"
    ELIGIBILITY_CONCERN = "eligibility_concern"
    COACH_JUDGEMENT = "coach_judgement"
    OTHER = "other"


TrainingType = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{2}$")]


class Enrollment(_Record):
    """A referral to, or enrollment in, one program of the catalog in force."""

    id: RecordId
    participant_id: RecordId
    program_id: RecordId
    training_type: TrainingType | None = Field(default=None, description="PIRL 1303 code, e.g. 01 for OJT.")
    referred_on: dt.date | None = None
    entry_date: dt.date | None = Field(default=None, description="PIRL 1302 date entered training.")
    exit_date: dt.date | None = None
    considered_program_ids: list[RecordId] = Field(
        default_factory=list, description="Programs the coach considered with the participant, chosen one included.")
    recommended_rank: int | None = Field(default=None, ge=1, le=1000,
                                         description="Rank of this program in the matcher's list when referred.")
    override_reason: OverrideReason | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Enrollment:
        if self.training_type is not None and self.training_type not in PIRL_1303_CODES:
            raise ValueError(f"training_type must be a PIRL 1303 code ({', '.join(sorted(PIRL_1303_CODES))})")
        if self.entry_date and self.exit_date and self.exit_date < self.entry_date:
            raise ValueError("exit_date is before entry_date")
        if self.referred_on and self.entry_date and self.entry_date < self.referred_on:
            raise ValueError("entry_date is before referred_on")
        if self.considered_program_ids and self.program_id not in self.considered_program_ids:
            raise ValueError("considered_program_ids must include program_id (the program chosen)")
        if self.override_reason is not None and self.recommended_rank == 1:
            raise ValueError("override_reason is only for referrals to something other than the top recommendation")
        return self


class Outcome(_Record):
    """What followed one enrollment (PIRL exit outcomes)."""

    enrollment_id: RecordId
    completed: bool
    credential_attained: bool | None = None
    employed_q2: bool | None = Field(default=None, description="Employed in the 2nd quarter after exit.")
    employed_q4: bool | None = Field(default=None, description="Employed in the 4th quarter after exit.")
    hourly_wage: HourlyWage | None = Field(default=None, description="Hourly wage of the job after exit.")
    median_quarterly_earnings: Money | None = Field(default=None,
                                                   description="Median earnings, 2nd quarter after exit.")
    related_employment: bool | None = Field(default=None, description="Employed in an occupation the program targets.")

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        employed = self.employed_q2 is True or self.employed_q4 is True
        if (self.hourly_wage is not None or self.median_quarterly_earnings) and not employed:
            raise ValueError("a wage or earnings is given but the person is not recorded as employed")
        if self.related_employment and not employed:
            raise ValueError("related_employment is true but the person is not recorded as employed")
        return self

    @property
    def wage(self) -> float | None:
        """Hourly wage, else median quarterly earnings over 520 hours, else None."""
        return wage_of(self.hourly_wage, self.median_quarterly_earnings)


def wage_of(hourly_wage: float | None, median_quarterly_earnings: float | None) -> float | None:
    """:attr:`Outcome.wage` from its two fields."""
    if hourly_wage is not None:
        return float(hourly_wage)
    if median_quarterly_earnings:
        return float(median_quarterly_earnings) / HOURS_PER_QUARTER
    return None


def success(outcome: Outcome) -> bool | None:
    """Completed and employed in the 2nd quarter after exit; None when not known yet."""
    return success_of(outcome.completed, outcome.employed_q2)


def success_of(completed: bool, employed_q2: bool | None) -> bool | None:
    """:func:`success` from the two fields it reads."""
    if not completed:
        return False
    return employed_q2


# --------------------------------------------------------------------------- a whole history


R = TypeVar("R", bound=BaseModel)


def canonical_json(record: BaseModel) -> bytes:
    """A validated record as canonical JSON: pydantic's compact JSON of it, fields in their declared order.

    :class:`Records` keeps records in this form, and the history's hash
    (:func:`matcher.learning.training.history_hash`) is the SHA-256 of these lines, read off the stored bytes.
    """
    return record.model_dump_json().encode()


# --------------------------------------------------------------------------- trusted decoding

# A record read back from its own canonical JSON was validated when it was stored; validating it again
# costs about as much as the first time (tens of microseconds a participant, with its nested parts), which
# at a million rows is minutes. A builder makes the same record from the parsed JSON without re-validating:
# each field converted to its type (enum member, date, nested record) and the instance assembled the way
# pydantic's ``model_construct`` does. Models with a field type the builder does not know are validated.

_Convert = Callable[[Any], Any] | None  # None: the JSON value is the field's value


class _Unsupported(Exception):
    pass


def _converter(annotation: Any, optional: bool = False) -> _Convert:
    """How a JSON value becomes the value of a field of this type (``optional``: None stays None)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _converter(typing.get_args(annotation)[0], optional)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise _Unsupported(annotation)
        return _converter(args[0], optional=len(args) < len(typing.get_args(annotation)))
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        if item is Any:
            raise _Unsupported(annotation)
        each = _converter(item)
        if each is None:
            return None
        if optional:
            return lambda v: v if v is None else list(map(each, v))
        return lambda v: list(map(each, v)) if v else v
    if origin is not None:
        raise _Unsupported(annotation)
    if annotation in (str, int, bool):
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        members: dict[Any, Any] = dict(annotation._value2member_map_)
        if optional:
            members[None] = None
        return members.__getitem__
    if annotation is float:
        convert: Callable[[Any], Any] = float
    elif annotation is dt.date:
        convert = dt.date.fromisoformat
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        build = _builder(annotation)
        if build is None:
            raise _Unsupported(annotation)
        convert = build
    else:
        raise _Unsupported(annotation)
    return (lambda v: v if v is None else convert(v)) if optional else convert


@functools.cache
def _builder(model: type[BaseModel]) -> Callable[[dict[str, Any]], Any] | None:
    """A function making a ``model`` from the parsed canonical JSON of one, or None if it cannot."""
    if model.__pydantic_root_model__ or model.__pydantic_post_init__ or model.model_config.get("extra") == "allow":
        return None
    try:
        fields = [(name, _converter(info.annotation)) for name, info in model.model_fields.items()]
    except _Unsupported:
        return None
    n_fields = len(fields)
    convert = tuple((name, f) for name, f in fields if f is not None)
    names = tuple(model.model_fields)
    setattr_ = object.__setattr__
    new = model.__new__

    def build(values: dict[str, Any]) -> Any:
        # canonical JSON holds every field in declared order: the parsed object becomes the record's __dict__
        if len(values) != n_fields:
            raise KeyError(f"{model.__name__}: fields {sorted(set(values) ^ set(names))} differ")
        for name, f in convert:
            values[name] = f(values[name])
        obj = new(model)
        setattr_(obj, "__dict__", values)
        setattr_(obj, "__pydantic_fields_set__", set(names))
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        return obj

    return build


def _decoder(model: type[R]) -> Callable[[bytes], R]:
    build = _builder(model)
    if build is None:
        return model.model_validate_json
    validate = model.model_validate_json

    def decode(blob: bytes) -> R:
        try:
            return typing.cast(R, build(orjson.loads(blob)))
        except (KeyError, ValueError, TypeError, AttributeError):
            return validate(blob)  # not the JSON of a record of this model: say what is wrong with it

    return decode


class Records(Sequence[R]):
    """An immutable sequence of validated records kept as JSON and made into records when read.

    A participant record takes about 7 KB as a live pydantic object and under 1 KB as JSON, so a history
    of a million enrollments fits in memory this way. ``keys`` (one id per record) give look-ups by id
    without reading the records. ``blobs`` must be the JSON of records of ``model`` that were validated
    (:func:`canonical_json`, as :meth:`of` and ``read_history`` make them): they are made into records
    again without re-validating, in a few microseconds each.
    """

    __slots__ = ("model", "_blobs", "keys", "_decode")

    def __init__(self, model: type[R], blobs: list[bytes], keys: list[str]) -> None:
        self.model = model
        self._blobs = blobs
        self.keys = keys
        self._decode = _decoder(model)

    @classmethod
    def of(cls, model: type[R], items: Iterable[R], key: str) -> Records[R]:
        if isinstance(items, Records):
            return items
        blobs: list[bytes] = []
        keys: list[str] = []
        for item in items:
            blobs.append(canonical_json(item))
            keys.append(getattr(item, key))
        return cls(model, blobs, keys)

    def __len__(self) -> int:
        return len(self._blobs)

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> Records[R]: ...

    def __getitem__(self, index: int | slice) -> R | Records[R]:
        if isinstance(index, slice):
            return Records(self.model, self._blobs[index], self.keys[index])
        return self._decode(self._blobs[index])

    def __iter__(self) -> Iterator[R]:
        decode = self._decode
        for blob in self._blobs:
            yield decode(blob)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    @property
    def blobs(self) -> list[bytes]:
        return self._blobs

    def decode(self, blob: bytes) -> R:
        """A record from one of :attr:`blobs` (as indexing does; for a blob sent to another process)."""
        return self._decode(blob)


@dataclass(frozen=True, eq=False)
class History:
    """The three tables, with look-ups by id. ``source`` says where they came from.

    Given records (any iterable), they are kept compactly (:class:`Records`); iterating the tables, or
    :meth:`labelled`, makes records one at a time, so a caller that does not keep them uses little memory.
    """

    participants: Sequence[Participant]
    enrollments: Sequence[Enrollment]
    outcomes: Sequence[Outcome]
    source: str = ""
    _participant: dict[str, int] = field(default_factory=dict, repr=False)
    _outcome: dict[str, int] = field(default_factory=dict, repr=False)
    _label_cache: list[bytes] = field(default_factory=list, repr=False)  # filled on first use

    def __post_init__(self) -> None:
        people = Records.of(Participant, self.participants, "id")
        enrollments = Records.of(Enrollment, self.enrollments, "id")
        outcomes = Records.of(Outcome, self.outcomes, "enrollment_id")
        object.__setattr__(self, "participants", people)
        object.__setattr__(self, "enrollments", enrollments)
        object.__setattr__(self, "outcomes", outcomes)
        self._participant.update((k, i) for i, k in enumerate(people.keys))
        self._outcome.update((k, i) for i, k in enumerate(outcomes.keys))

    def participant(self, participant_id: str) -> Participant:
        return self.participants[self._participant[participant_id]]

    def participant_json(self, participant_id: str) -> bytes:
        """The stored JSON of a participant (:meth:`participant_from_json` makes the record from it)."""
        return self._people().blobs[self._participant[participant_id]]

    def participant_from_json(self, blob: bytes) -> Participant:
        """The participant whose stored JSON this is (for a blob sent to another process)."""
        return participant_from_json(blob)

    def _people(self) -> Records[Participant]:
        people = self.participants
        assert isinstance(people, Records)  # __post_init__ makes every table a Records
        return people

    def outcome_of(self, enrollment_id: str) -> Outcome | None:
        i = self._outcome.get(enrollment_id)
        return None if i is None else self.outcomes[i]

    def labelled(self) -> Iterator[tuple[Participant, Enrollment, Outcome, bool]]:
        """Every enrollment with a known success label, in file order."""
        for e, o, label in self.labelled_enrollments():
            yield self.participant(e.participant_id), e, o, label

    def labelled_enrollments(self) -> Iterator[tuple[Enrollment, Outcome, bool]]:
        """Like :meth:`labelled` without making the participant records (cheaper for a first pass)."""
        labels = self._labels()
        outcomes = self.outcomes
        for e in self.enrollments:
            i = self._outcome.get(e.id)
            if i is None or labels[i] == _UNKNOWN:
                continue
            yield e, outcomes[i], labels[i] == _SUCCESS

    def labelled_pairs(self) -> Iterator[LabelledPair]:
        """What :meth:`labelled_enrollments` gives, as the few fields the pair features need, read off the
        stored JSON without making records (a third of the cost)."""
        labels = self._labels()
        outcome_at = self._outcome
        enrollments, outcomes = self.enrollments, self.outcomes
        assert isinstance(enrollments, Records) and isinstance(outcomes, Records)  # see __post_init__
        loads = orjson.loads
        for blob in enrollments.blobs:
            e = loads(blob)
            i = outcome_at.get(e["id"])
            if i is None or labels[i] == _UNKNOWN:
                continue
            o = loads(outcomes.blobs[i])
            yield LabelledPair(e["participant_id"], e["program_id"], e["entry_date"] or e["referred_on"],
                               e["considered_program_ids"], labels[i] == _SUCCESS,
                               wage_of(o["hourly_wage"], o["median_quarterly_earnings"]))

    def counts(self) -> dict[str, int]:
        labels = self._labels()
        return {"participants": len(self.participants), "enrollments": len(self.enrollments),
                "outcomes": len(self.outcomes), "labelled": len(labels) - labels.count(_UNKNOWN)}

    def _labels(self) -> bytes:
        """The :func:`success` label of each outcome, in order (:data:`_SUCCESS`, :data:`_FAILURE` or
        :data:`_UNKNOWN`), read once off the outcomes' JSON: the two fields it needs, not whole records."""
        if self._label_cache:
            return self._label_cache[0]
        out = bytearray(len(self.outcomes))
        blobs = self.outcomes.blobs if isinstance(self.outcomes, Records) else None
        for i in range(len(out)):
            if blobs is not None:
                data = orjson.loads(blobs[i])
                label = success_of(data["completed"], data["employed_q2"])
            else:
                label = success(self.outcomes[i])
            out[i] = _UNKNOWN if label is None else _SUCCESS if label else _FAILURE
        self._label_cache.append(bytes(out))
        return self._label_cache[0]


_FAILURE, _SUCCESS, _UNKNOWN = 0, 1, 2


class LabelledPair(typing.NamedTuple):
    """One labelled enrollment as :meth:`History.labelled_pairs` gives it (dates as ISO text)."""

    participant_id: str
    program_id: str
    entry: str | None  # entry date, else referral date, else None
    considered_program_ids: list[str]
    success: bool
    wage: float | None


def participant_from_json(blob: bytes) -> Participant:
    """A participant from its stored JSON (:meth:`History.participant_json`), with no history at hand (as in a
    worker process it was sent to)."""
    return _participant_decoder()(blob)


@functools.cache
def _participant_decoder() -> Callable[[bytes], Participant]:
    return _decoder(Participant)


def participant_record(participant_id: str, profile: SeekerProfile | Mapping[str, Any],
                       demographics: ReportingDemographics | Mapping[str, Any] | None = None) -> Participant:
    """A :class:`Participant` from a profile (dict or record) and optional demographics, validated."""
    return Participant.model_validate({
        "id": participant_id,
        "profile": profile if isinstance(profile, SeekerProfile) else dict(profile),
        "demographics": demographics if demographics is not None else {},
    })


def ids(records: Iterable[Any], attr: str = "id") -> set[str]:
    return {getattr(r, attr) for r in records}
