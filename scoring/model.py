"""Plain data that goes into and comes out of the ranking (SCORING.md, "Notation")."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, NamedTuple

METHODS: Final = ("mean", "median", "trimmed", "zscore")


@dataclass(frozen=True, slots=True)
class Criterion:
    id: int
    code: str
    weight: float
    min_score: float
    max_score: float
    tie_break_rank: int | None = None


@dataclass(frozen=True, slots=True)
class Panel:
    id: int
    name: str
    weight: float


@dataclass(frozen=True, slots=True)
class Juror:
    id: int
    panel_id: int


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    opd_id: int


class Sheet(NamedTuple):
    """A submitted sheet: criterion code -> score, every criterion present."""

    juror_id: int
    entry_id: int
    scores: Mapping[str, float]


SheetLike = Sheet | tuple[int, int, Mapping[str, float]]


@dataclass(frozen=True, slots=True)
class RankingRow:
    entry_id: int
    rank: int | None
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected_sheet_count: int
    complete: bool
    tied: bool
    awarded: bool
    keys: tuple[float, ...]
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class RankingWarning:
    code: str
    entry_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    method: str
    top_n: int
    rows: tuple[RankingRow, ...]
    warnings: tuple[RankingWarning, ...]


@dataclass(frozen=True, slots=True)
class JurorTotal:
    juror_id: int
    panel_id: int
    total: float
    adjusted: float | None
    contributions: dict[str, float]


@dataclass(frozen=True, slots=True)
class Explanation:
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
    panel_a: str
    panel_b: str
    entries: int
    kendall_tau: float | None
    spearman_rho: float | None
