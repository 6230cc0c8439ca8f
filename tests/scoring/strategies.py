"""What the random conventions of the engine's property tests (test_scoring_properties) and of
the naive reference's (test_reference) draw alike: criteria, panels, jurors and sheets' scores,
as plain fields that each builds its own types from (the reference stays free of `scoring`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from hypothesis import strategies as st

# A criterion's (weight, min_score, max_score, tie_break_rank), in the order both Criterion
# types take them after id and code.
CriterionFields = tuple[float, float, float, int | None]

# The weight of each of 1 to 3 panels.
PANEL_WEIGHTS = st.lists(st.sampled_from([1, 2, 0.5]), min_size=1, max_size=3)

# Scores on quarters of the range: coarse on purpose, so that ties are common.
QUARTER = st.sampled_from([0, 0.25, 0.5, 0.75, 1])


class Ranged(Protocol):
    """A criterion of either type, as a sheet's scores need it."""

    @property
    def code(self) -> str: ...

    @property
    def min_score(self) -> float: ...

    @property
    def max_score(self) -> float: ...


@st.composite
def criteria_fields(draw: st.DrawFn) -> list[CriterionFields]:
    """1 to 3 criteria: ranges starting below, at and above zero, narrow and wide; their
    tie-break ranks a permutation of 1..n, some left out."""
    n = draw(st.integers(1, 3))
    tie_ranks = draw(st.permutations(range(1, n + 1)))
    fields: list[CriterionFields] = []
    for i in range(n):
        low = draw(st.sampled_from([0, 1, -5]))
        span = draw(st.sampled_from([10, 4, 100]))
        weight = draw(st.sampled_from([1, 2, 3, 0.5]))
        fields.append((weight, low, low + span, tie_ranks[i] if draw(st.booleans()) else None))
    return fields


def juror_panels(panel_ids: Sequence[int]) -> st.SearchStrategy[list[int]]:
    """The panel of each of 1 to 6 jurors."""
    return st.lists(st.sampled_from(panel_ids), min_size=1, max_size=6)


def coarse_scores(draw: st.DrawFn, criteria: Iterable[Ranged]) -> dict[str, float] | None:
    """A sheet's scores on quarters of each criterion's range, or None for no sheet (3 times
    in 10)."""
    if draw(st.integers(0, 9)) >= 7:
        return None
    return {c.code: c.min_score + (c.max_score - c.min_score) * draw(QUARTER) for c in criteria}
