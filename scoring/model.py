"""Plain data that goes into and comes out of the ranking (docs/scoring.md, "Notation")."""

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import compress
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple

if TYPE_CHECKING:
    from scoring.eligibility import Eligibility


class Method(StrEnum):
    """How Step 2 combines a panel's juror totals. The one list of methods: the API, the
    exports and the ``konvensi`` command offer exactly these."""

    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED = "trimmed"
    ZSCORE = "zscore"

    @property
    def label(self) -> str:
        """The method's name in Indonesian, as the berita acara prints it."""
        return _LABELS[self]

    @classmethod
    def parse(cls, value: str) -> "Method":
        """``value`` as a Method; ValueError naming the choices otherwise."""
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown method {value!r}; expected one of {choices}") from None


METHODS: Final = tuple(Method)

_LABELS: Final = {
    Method.MEAN: "rata-rata",
    Method.MEDIAN: "median",
    Method.TRIMMED: "rata-rata terpangkas",
    Method.ZSCORE: "skor baku (z-score)",
}


@dataclass(frozen=True, slots=True)
class Criterion:
    """A rubric criterion: weight w_c > 0, range [min_score, max_score]; tie_break_rank orders
    the Step 4 tie-breaks (ties in tie_break_rank fall back to id)."""

    id: int
    code: str
    weight: float
    min_score: float
    max_score: float
    tie_break_rank: int | None = None


@dataclass(frozen=True, slots=True)
class Panel:
    """A panel of jurors with weight W_p > 0 (Step 3)."""

    id: int
    name: str
    weight: float


@dataclass(frozen=True, slots=True)
class Juror:
    """A juror and the one panel they belong to."""

    id: int
    panel_id: int


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry, the OPD that submitted it (conflicts are declared per OPD) and its category
    (Step 7)."""

    id: int
    opd_id: int
    category: str | None = None


class Sheet(NamedTuple):
    """A submitted sheet: criterion code -> score, every criterion present."""

    juror_id: int
    entry_id: int
    scores: Mapping[str, float]


SheetLike = Sheet | tuple[int, int, Mapping[str, float]]


@dataclass(frozen=True, slots=True)
class SheetColumns:
    """Submitted sheets as columns: sheet i is juror_ids[i]'s for entry_ids[i], scoring
    scores[code][i] on each criterion.

    The compact form of a large convention's sheets. In ``array('q')`` and ``array('d')``
    columns a million sheets of six criteria take 64 MB, against some 450 MB as a tuple and a
    dict per sheet; the ranking is the same to the bit. Every column has one length; a
    criterion without a column cannot be scored (ValueError), columns of other codes are
    ignored.
    """

    juror_ids: Sequence[int]
    entry_ids: Sequence[int]
    scores: Mapping[str, Sequence[float]]

    def __post_init__(self) -> None:
        n = len(self.juror_ids)
        if len(self.entry_ids) != n or any(len(col) != n for col in self.scores.values()):
            raise ValueError("sheet columns must all have the same length")

    def __len__(self) -> int:
        return len(self.juror_ids)

    def __iter__(self) -> Iterator[Sheet]:
        """Sheet by sheet, as tuples and dicts (for small inputs and tests)."""
        codes = list(self.scores)
        columns = [self.scores[c] for c in codes]
        for i, (juror_id, entry_id) in enumerate(zip(self.juror_ids, self.entry_ids, strict=True)):
            yield Sheet(
                juror_id, entry_id, {c: col[i] for c, col in zip(codes, columns, strict=True)}
            )

    def select(self, keep: Iterable[bool]) -> "SheetColumns":
        """The sheets at the places where `keep` is true, in the same kind of columns (these
        columns when every sheet is kept)."""
        mask = list(keep)
        if all(mask):
            return self
        return SheetColumns(
            _compressed(self.juror_ids, mask),
            _compressed(self.entry_ids, mask),
            {c: _compressed(col, mask) for c, col in self.scores.items()},
        )


def _compressed(column: Sequence[Any], mask: list[bool]) -> Sequence[Any]:
    kept = compress(column, mask)
    if isinstance(column, array):
        return array(column.typecode, kept)
    return list(kept)


Sheets = Sequence[SheetLike] | SheetColumns
"""A stage's submitted sheets: one tuple (or Sheet) each, or columns."""


@dataclass(frozen=True, slots=True)
class RankingRow:
    """One entry's line in the ranking (Steps 3 to 5).

    `keys` holds the keys Step 4 consulted for this entry: K0, then K1, K2, ... for as long
    as the entry was still in a group of two or more; () when unscored. `decided_by` is
    "score" when K0 alone set it apart, the code of the tie-break criterion that did,
    "tie" when it stays tied after the last key, None when unscored.
    """

    entry_id: int
    rank: int | None
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected_sheet_count: int
    complete: bool
    tied: bool
    awarded: bool
    keys: tuple[float | None, ...]
    decided_by: str | None
    category: str | None = None
    category_rank: int | None = None
    advances: bool | None = None
    """A stage's ranking: whether the stage's rule selects the entry for the next stage."""
    reach_stage_id: int | None = None
    """The final ranking: the last stage the entry was admitted to (Step 6)."""
    stage_scores: dict[str, float] | None = None
    """The final ranking: S_s(e) by stage code, for the scored stages reached with a score."""


WarningCode = Literal["boundary_tie", "panel_missing", "no_eligible_juror", "stage_missing"]
"""What a ranking may warn of (Steps 5 and 6), in the order its warnings come."""


@dataclass(frozen=True, slots=True)
class RankingWarning:
    """One of the `WarningCode`s, with entry ids ascending."""

    code: WarningCode
    entry_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Rows best first, unscored entries last (Step 4); warnings in the order of docs/scoring.md."""

    method: str
    top_n: int
    rows: tuple[RankingRow, ...]
    warnings: tuple[RankingWarning, ...]


class Verdict(StrEnum):
    """An entry's award with any one juror left out (Step 8)."""

    STABLE_IN = "stable_in"
    """Awarded in the full ranking and in every reduced one."""
    STABLE_OUT = "stable_out"
    """Awarded in none of them."""
    CUSP = "cusp"
    """Awarded in some and not in others: the award hangs on a single juror."""


@dataclass(frozen=True, slots=True)
class StabilityRow:
    """One entry's line of Step 8. `rank` is its rank in the full ranking; `rank_min` and
    `rank_max` range over the full and the reduced rankings (null ranks ignored; both None
    when never ranked); `awarded_share` is the fraction of the reduced rankings that award it
    (advance it, for a stage's ranking), None when no juror is left out; `changed_by` names
    the jurors whose absence alone changes its award, by id."""

    entry_id: int
    rank: int | None
    rank_min: int | None
    rank_max: int | None
    awarded_share: float | None
    verdict: Verdict
    changed_by: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Stability:
    """Step 8 for one ranking: rows in the ranking's order; `juror_ids` is J, the jurors left
    out in turn (`jurors_left_out` of them)."""

    method: str
    jurors_left_out: int
    rows: tuple[StabilityRow, ...]
    juror_ids: tuple[int, ...] = ()


class StageKind(StrEnum):
    SCORED = "scored"
    SCREENING = "screening"


class AdvanceRule(StrEnum):
    """How a stage shortlists for the next one (Step 6, "Admission")."""

    ALL = "all"
    TOP = "top"
    TOP_PER_CATEGORY = "top_per_category"
    MIN_SCORE = "min_score"


class AwardScope(StrEnum):
    OVERALL = "overall"
    PER_CATEGORY = "per_category"


@dataclass(frozen=True, slots=True)
class Advance:
    """A stage's advance rule: `count` for top and top_per_category, `min_score` for
    min_score."""

    rule: AdvanceRule = AdvanceRule.ALL
    count: int | None = None
    min_score: float | None = None


@dataclass(frozen=True, slots=True)
class Stage:
    """A stage of judging (Step 6), as judged so far.

    `criteria`, `panel_ids` (None: every panel) and `weight` V_s define a scored stage.
    `admitted` is A_s as recorded: None for the first stage means every entry; a later stage
    not yet reached admits nobody. `sheets` are the stage's submitted sheets; `decisions` a
    screening stage's pass/fail per entry id.
    """

    id: int
    code: str
    kind: StageKind = StageKind.SCORED
    weight: float = 1.0
    criteria: tuple[Criterion, ...] = ()
    panel_ids: tuple[int, ...] | None = None
    advance: Advance = Advance()
    admitted: frozenset[int] | None = None
    decisions: Mapping[int, bool] = field(default_factory=dict)
    sheets: "Sheets" = ()


@dataclass(frozen=True, slots=True)
class Contest:
    """A convention as the ranking sees it: stages in position order, panels, jurors, entries
    (disqualified ones already left out, with their sheets), who may judge what, and Step 5's
    parameters."""

    stages: tuple[Stage, ...]
    panels: tuple[Panel, ...]
    jurors: tuple[Juror, ...]
    entries: tuple[Entry, ...]
    eligibility: "Eligibility"
    top_n: int = 10
    zscore_min_sheets: int = 5
    award_scope: AwardScope = AwardScope.OVERALL


@dataclass(frozen=True, slots=True)
class JurorTotal:
    """T(j, e) of one counted sheet; `contributions` are 100 w_c q(j, e, c) / sum_w, which add
    up to `total`; `adjusted` is T'(j, e) under zscore, else None."""

    juror_id: int
    panel_id: int
    total: float
    adjusted: float | None
    contributions: dict[str, float]


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one entry's row comes about; `score` = sum W_p P / sum W_p over `panel_scores`."""

    entry_id: int
    method: str
    row: RankingRow
    jurors: tuple[JurorTotal, ...]
    panel_scores: dict[str, float]
    panel_weights: dict[str, float]
    score: float | None
    tie_break_keys: dict[str, float]
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class PanelAgreement:
    """Kendall's tau-b and Spearman's rho between two panels over the entries both scored."""

    panel_a: str
    panel_b: str
    entries: int
    kendall_tau: float | None
    spearman_rho: float | None
