"""Plain data that goes into and comes out of the ranking (docs/scoring.md, "Notation")."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, NamedTuple


class Method(StrEnum):
    """How Step 2 combines a panel's juror totals. The one list of methods: the API, the
    exports and the ``konvensi`` command offer exactly these."""

    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED = "trimmed"
    ZSCORE = "zscore"

    @classmethod
    def parse(cls, value: str) -> "Method":
        """``value`` as a Method; ValueError naming the choices otherwise."""
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown method {value!r}; expected one of {choices}") from None


METHODS: Final = tuple(Method)


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
    """An entry and the OPD that submitted it (conflicts are declared per OPD)."""

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
    keys: tuple[float, ...]
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class RankingWarning:
    """`boundary_tie`, `panel_missing` or `no_eligible_juror`, with entry ids ascending."""

    code: str
    entry_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Rows best first, unscored entries last (Step 4); warnings in the order of docs/scoring.md."""

    method: str
    top_n: int
    rows: tuple[RankingRow, ...]
    warnings: tuple[RankingWarning, ...]


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
