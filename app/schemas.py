"""Request and response models, separate from the ORM.

Numbers are strict (a string or a boolean where a number belongs is a 422, never coerced) and
finite; strings are trimmed and length-bounded; unknown fields are refused by name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Category = Literal["teknologi", "produk", "proses", "sdm", "metode", "konseptual", "hubungan"]
ConventionStatus = Literal["draft", "judging", "closed"]
AssignmentMode = Literal["all", "assigned"]

Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
PositiveNumber = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False, le=1e9)]
Score = Annotated[float, Strict(), Field(allow_inf_nan=False, ge=-1e9, le=1e9)]
Id = Annotated[int, Strict(), Field(ge=1, le=2**31 - 1)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
    ),
]
LetterCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$"
    ),
]
Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@\-]+$"
    ),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Nip = Annotated[str, StringConstraints(pattern=r"^[0-9]{18}$")]
AwardName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


def _unique_ids(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise ValueError("ids must not repeat")
    return values


UniqueIds = Annotated[list[Id], Field(max_length=10_000), AfterValidator(_unique_ids)]


def _reject_nul(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, list):
        for item in value:
            _reject_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key)
            _reject_nul(item)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL: refuse it here, naming the field, not at the database.
        _reject_nul(value)
        return value


class Patch(Input):
    """A partial update: only the fields sent change; ``null`` is allowed only where the
    field itself may be empty."""

    _nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Patch:
        for name in self.model_fields_set:
            if getattr(self, name) is None and name not in self._nullable:
                raise ValueError(f"{name} may not be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ProblemErrorOut(BaseModel):
    loc: list[str | int]
    msg: str


class ProblemOut(BaseModel):
    """RFC 9457 problem details: every error the API answers, as `application/problem+json`.
    Some problems carry more members (a sheet's `current_version`, say)."""

    type: str = Field(description="`/problems/<name>`, e.g. `/problems/not-found`.")
    title: str
    status: int
    detail: str
    errors: list[ProblemErrorOut] | None = Field(
        None, description="Validation problems only: one per faulty field."
    )


# --- auth ---------------------------------------------------------------------------------


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    role: Literal["admin", "juror"]


class MeOut(BaseModel):
    id: int
    username: str
    full_name: str
    role: Literal["admin", "juror"]
    convention_id: int | None = Field(None, description="The convention a juror judges.")
    panel_id: int | None = Field(None, description="A juror's panel.")


# --- convention ---------------------------------------------------------------------------


class ConventionCreate(Input):
    name: Name
    year: Annotated[int, Strict(), Field(ge=1900, le=2200)]
    host: Name | None = None
    top_n: Annotated[int, Strict(), Field(ge=1, le=10_000)] = 10
    letter_code: LetterCode = "KONVENSI"
    award_names: Annotated[list[AwardName], Field(max_length=100)] = Field(
        default_factory=lambda: ["Juara I", "Juara II", "Juara III"]
    )
    zscore_min_sheets: Annotated[int, Strict(), Field(ge=1, le=100_000)] = 5
    assignment_mode: AssignmentMode = Field(
        "all",
        description="`all`: every juror judges every entry it has no conflict with; "
        "`assigned`: only the entries the secretariat assigned to it.",
    )
    judging_deadline: AwareDatetime | None = Field(
        None, description="After this time sheets are refused (409 `convention-state`)."
    )
    signatory_name: Name | None = None
    signatory_title: Name | None = None
    city: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Konvensi Inovasi Daerah Kota Solok 2018",
                    "year": 2018,
                    "host": "Pemerintah Kota Solok",
                    "top_n": 10,
                    "letter_code": "KIP-SLK",
                }
            ]
        },
    )


class ConventionUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset(
        {"host", "judging_deadline", "signatory_name", "signatory_title", "city"}
    )

    name: Name | None = None
    year: Annotated[int, Strict(), Field(ge=1900, le=2200)] | None = None
    host: Name | None = None
    top_n: Annotated[int, Strict(), Field(ge=1, le=10_000)] | None = None
    letter_code: LetterCode | None = None
    award_names: Annotated[list[AwardName], Field(max_length=100)] | None = None
    zscore_min_sheets: Annotated[int, Strict(), Field(ge=1, le=100_000)] | None = None
    assignment_mode: AssignmentMode | None = None
    judging_deadline: AwareDatetime | None = None
    signatory_name: Name | None = None
    signatory_title: Name | None = None
    city: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    status: ConventionStatus | None = Field(
        None,
        description="Moves: draft → judging, judging → closed, closed → judging (until results "
        "are published). Anything else is 409 `convention-state`.",
    )

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "judging"}]}
    )


class ConventionOut(Output):
    id: int
    name: str
    year: int
    host: str | None
    top_n: int
    letter_code: str
    award_names: list[str]
    zscore_min_sheets: int
    status: ConventionStatus
    assignment_mode: AssignmentMode
    judging_deadline: datetime | None
    signatory_name: str | None
    signatory_title: str | None
    city: str | None
    created_at: datetime
    updated_at: datetime


# --- rubric -------------------------------------------------------------------------------


class CriterionCreate(Input):
    code: Code
    name: Name
    description: LongText | None = None
    weight: PositiveNumber
    min_score: Score = 0.0
    max_score: Score
    step: PositiveNumber | None = Field(
        None,
        description="When set, a score must be `min_score` plus a whole multiple of `step` "
        "(e.g. 0.5 allows 7.5). Unset: any number in range.",
    )
    tie_break_rank: Annotated[int, Strict(), Field(ge=1, le=1000)] | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "KEBARUAN",
                    "name": "Kebaruan",
                    "weight": 25,
                    "min_score": 1,
                    "max_score": 10,
                    "tie_break_rank": 2,
                }
            ]
        },
    )

    @field_validator("max_score")
    @classmethod
    def _above_min(cls, value: float, info: ValidationInfo) -> float:
        # A field validator, not a model one, so that the 422 names max_score.
        low = info.data.get("min_score")
        if low is not None and value <= low:
            raise ValueError("must be greater than min_score")
        return value


class CriterionUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset({"description", "step", "tie_break_rank"})

    code: Code | None = None
    name: Name | None = None
    description: LongText | None = None
    weight: PositiveNumber | None = None
    min_score: Score | None = None
    max_score: Score | None = None
    step: PositiveNumber | None = None
    tie_break_rank: Annotated[int, Strict(), Field(ge=1, le=1000)] | None = None


class CriterionOut(Output):
    id: int
    convention_id: int
    code: str
    name: str
    description: str | None
    weight: float
    min_score: float
    max_score: float
    step: float | None
    tie_break_rank: int | None


class PanelCreate(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    weight: PositiveNumber = 1.0

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "LAN"}]})


class PanelUpdate(Patch):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    weight: PositiveNumber | None = None


class PanelOut(Output):
    id: int
    convention_id: int
    name: str
    weight: float


# --- OPDs and entries ---------------------------------------------------------------------


class OpdCreate(Input):
    code: Code
    name: Name

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah"}]
        },
    )


class OpdUpdate(Patch):
    code: Code | None = None
    name: Name | None = None


class OpdOut(Output):
    id: int
    convention_id: int
    code: str
    name: str


class InnovatorIn(Input):
    name: Name
    nip: Nip | None = Field(None, description="18-digit NIP (civil-servant number).")


class InnovatorOut(Output):
    name: str
    nip: str | None


class InnovatorPublicOut(Output):
    name: str


class EntryCreate(Input):
    title: Title
    opd_id: Id
    category: Category
    acronym: ShortText | None = None
    summary: LongText | None = None
    innovators: Annotated[list[InnovatorIn], Field(max_length=100)] = Field(default_factory=list)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Fasilitator Perencanaan Teladan",
                    "acronym": "FASTREN",
                    "opd_id": 1,
                    "category": "proses",
                    "innovators": [{"name": "Rina Marlina", "nip": "198001012005012001"}],
                }
            ]
        },
    )


class EntryUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset({"acronym", "summary"})

    title: Title | None = None
    opd_id: Id | None = None
    category: Category | None = None
    acronym: ShortText | None = None
    summary: LongText | None = None
    innovators: Annotated[list[InnovatorIn], Field(max_length=100)] | None = None


class EntryOut(Output):
    id: int
    convention_id: int
    opd_id: int
    title: str
    acronym: str | None
    category: Category
    summary: str | None
    innovators: list[InnovatorOut]
    created_at: datetime
    updated_at: datetime


class EntryJurorOut(Output):
    """An entry as a juror sees it: innovators without their NIP."""

    id: int
    convention_id: int
    opd_id: int
    title: str
    acronym: str | None
    category: Category
    summary: str | None
    innovators: list[InnovatorPublicOut]
    created_at: datetime
    updated_at: datetime


# --- jurors -------------------------------------------------------------------------------


class JurorCreate(Input):
    username: Username
    password: Password
    full_name: Name
    panel_id: Id
    conflict_opd_ids: UniqueIds = Field(default_factory=list)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "juri.lan.1",
                    "password": "rahasia-panjang",
                    "full_name": "Dr. Juri LAN",
                    "panel_id": 2,
                    "conflict_opd_ids": [],
                }
            ]
        },
    )


class JurorUpdate(Patch):
    username: Username | None = None
    password: Password | None = None
    full_name: Name | None = None
    panel_id: Id | None = None
    conflict_opd_ids: UniqueIds | None = None


class JurorOut(Output):
    id: int
    convention_id: int
    username: str
    full_name: str
    panel_id: int
    conflict_opd_ids: list[int]
    created_at: datetime
    updated_at: datetime


# --- score sheets -------------------------------------------------------------------------

SheetStatus = Literal["draft", "submitted"]


class SheetIn(BaseModel):
    """The body of a sheet `PUT`. (Parsed by hand on the hot path, in the contract's order of
    checks; this model documents it.)"""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scores": {"KEBARUAN": 8, "KEMANFAATAN": 7.5},
                    "comment": "Sudah direplikasi",
                    "submit": False,
                }
            ]
        },
    )

    scores: dict[str, Score] = Field(
        description="Criterion code → score within its range. A draft may hold some criteria; "
        "`submit: true` needs every one."
    )
    comment: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    submit: bool = False


class SheetOut(BaseModel):
    entry_id: int
    juror_id: int
    scores: dict[str, float]
    comment: str | None
    status: SheetStatus
    version: int
    updated_at: datetime
    submitted_at: datetime | None = None


class SyncItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: Annotated[int, Strict()]
    scores: dict[str, Any]
    comment: Any = None
    submit: Any = False
    base_version: Annotated[int, Strict(), Field(ge=1)] | None = Field(
        None,
        description="The version the tablet last saw (like `If-Match`); omit to write "
        "unconditionally.",
    )


class SyncIn(BaseModel):
    """Sheets a tablet queued while offline; each is applied on its own, in order."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "sheets": [
                        {"entry_id": 1, "scores": {"KEBARUAN": 8}, "submit": False},
                        {
                            "entry_id": 2,
                            "base_version": 3,
                            "scores": {"KEBARUAN": 9, "KEMANFAATAN": 8},
                            "submit": True,
                        },
                    ]
                }
            ]
        },
    )

    sheets: Annotated[list[SyncItem], Field(min_length=1, max_length=500)]


SyncOutcome = Literal["accepted", "unchanged", "conflict", "invalid", "refused"]


class SyncResult(BaseModel):
    entry_id: int
    outcome: SyncOutcome = Field(
        description="`accepted`: written; `unchanged`: the server already had it; "
        "`conflict`: the server's version differs (412) or the sheet is final (409) — see "
        "`sheet`; `invalid`: 422, see `problem`; `refused`: 403/404/409 convention-state."
    )
    status: int = Field(description="The HTTP status a single PUT would have answered.")
    sheet: SheetOut | None = None
    problem: dict[str, Any] | None = None


class SyncOut(BaseModel):
    results: list[SyncResult]


class RecusalIn(Input):
    entry_id: Id
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class RecusalOut(Output):
    juror_id: int
    entry_id: int
    reason: str | None
    created_at: datetime


class AssignmentItem(Input):
    juror_id: Id
    entry_id: Id


class AssignmentsIn(Input):
    items: Annotated[list[AssignmentItem], Field(min_length=1, max_length=100_000)]


class JurorAssignmentsIn(Input):
    entry_ids: UniqueIds


class AssignmentOut(Output):
    juror_id: int
    entry_id: int


class EntryProgress(BaseModel):
    entry_id: int
    title: str
    acronym: str | None
    state: Literal["not_started", "draft", "submitted", "conflict", "not_assigned"]
    version: int | None = None


class JurorProgressOut(BaseModel):
    convention_id: int
    juror_id: int
    to_score: int = Field(description="Entries this juror is expected to score.")
    not_started: int
    draft: int
    submitted: int
    conflicts: int = Field(description="Entries left out by conflicts of interest or recusal.")
    entries: list[EntryProgress]


class JurorSummary(BaseModel):
    juror_id: int
    username: str
    full_name: str
    panel_id: int
    expected: int
    submitted: int
    draft: int
    not_started: int
    conflicts: int
    recusals: int


class ConventionProgressOut(BaseModel):
    convention_id: int
    entries: int
    expected_sheets: int
    submitted_sheets: int
    draft_sheets: int
    complete_entries: int
    jurors: list[JurorSummary]


class EntryCompleteness(BaseModel):
    entry_id: int
    title: str
    expected_sheet_count: int
    sheet_count: int
    complete: bool
    missing_juror_ids: list[int]


class AuditEventOut(Output):
    id: int
    at: datetime
    actor_id: int | None
    actor_username: str | None
    action: str
    target_type: str
    target_id: int | None
    juror_id: int | None
    entry_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


# --- awards, certificates, rewards --------------------------------------------------------

CertificateKind = Literal["winner", "participant", "juror"]
RecipientType = Literal["opd", "innovator", "juror"]
RewardKind = Literal["cash", "plaque", "trophy", "other"]
RewardStatus = Literal["planned", "delivered"]


class AwardOut(Output):
    id: int
    entry_id: int
    rank: int
    name: str
    title: str | None = None
    acronym: str | None = None
    opd_id: int | None = None
    opd_code: str | None = None
    opd_name: str | None = None
    innovators: list[str] = Field(default_factory=list)


class CertificateOut(Output):
    id: int
    number: str
    code: str
    kind: CertificateKind
    recipient_type: RecipientType
    recipient_name: str
    entry_id: int | None
    rank: int | None
    issued_at: datetime
    award_name: str | None = None
    entry_title: str | None = None
    opd_name: str | None = None
    status: Literal["valid", "revoked"] = "valid"
    revoked_at: datetime | None = None
    revoked_reason: str | None = None


class ConventionRef(BaseModel):
    id: int
    name: str
    year: int


class CertificateVerifyOut(BaseModel):
    """What the printed certificate shows, and whether it still stands. Never a NIP."""

    id: int
    number: str
    code: str
    kind: CertificateKind
    recipient_type: RecipientType
    recipient_name: str
    entry_id: int | None
    entry_title: str | None
    opd_name: str | None
    rank: int | None
    award_name: str | None
    issued_at: datetime
    status: Literal["valid", "revoked"]
    revoked_at: datetime | None
    revoked_reason: str | None
    convention: ConventionRef
    convention_name: str
    convention_year: int


class IssueOut(BaseModel):
    awards: list[AwardOut]
    certificates: list[CertificateOut]
    issued_awards: int = Field(description="Awards issued by this call (0 when repeated).")
    issued_certificates: int


class RevokeIn(Input):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class RewardCreate(Input):
    award_id: Id
    recipient_type: Literal["opd", "innovator"]
    recipient_name: Name
    kind: RewardKind
    amount_idr: Annotated[int, Strict(), Field(ge=0, le=10**15)] | None = Field(
        None, description="Rupiah, a whole non-negative number; required for `cash`."
    )
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "award_id": 1,
                    "recipient_type": "opd",
                    "recipient_name": "BAPPEDA",
                    "kind": "cash",
                    "amount_idr": 10_000_000,
                    "description": "Uang pembinaan",
                }
            ]
        },
    )


class RewardUpdate(Patch):
    _nullable: ClassVar[frozenset[str]] = frozenset({"description", "amount_idr"})

    status: RewardStatus | None = None
    recipient_name: Name | None = None
    amount_idr: Annotated[int, Strict(), Field(ge=0, le=10**15)] | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


class RewardOut(Output):
    id: int
    convention_id: int
    award_id: int
    recipient_type: str
    recipient_name: str
    kind: RewardKind
    amount_idr: int | None
    description: str | None
    status: RewardStatus
    delivered_at: datetime | None
    delivered_by: int | None
    created_at: datetime
    updated_at: datetime


class RewardTotals(BaseModel):
    convention_id: int
    count: int
    amount_idr: int
    by_kind: dict[str, dict[str, int]]
    by_status: dict[str, dict[str, int]]
