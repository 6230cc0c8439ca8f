"""Step 8 of docs/scoring.md: would the ranking hold if any one juror had not judged?

For each juror j of J the ranking is computed again with every sheet of j left out, in every
stage, everything else equal (a *reduced* ranking). Building the engines again for each
juror would cost |J| rankings. Instead the runs of the full ranking are built once and, for
each juror, only what its sheets change is computed again:

* ``mean``, ``median``, ``trimmed``: a panel score changes only in the (entry, panel) groups
  the juror scored, and an entry's score only through them. Each group keeps a few floats
  (the exact parts of its sum; the sorted neighbours of its middle, or of its ends) from
  which Step 2 without any one of its values is an fsum or a pick (`_Leave`), and S(e)
  follows from the entry's other panel scores as Step 3 does. The reduced scores are bit for
  bit those of a full recomputation: fsum rounds the exact sum once, whatever its terms.
* ``zscore``: leaving a juror out moves mu and sigma, hence every T' of the stage, but not
  the mu_k, sigma_k or n_k of any other juror. So a panel score is
  (A + mu' C + sigma' Z) / n, with per-group sums computed once (A: T - mu_k of flat jurors
  and T of jurors under m sheets; C: the number of standardized and flat values; Z:
  (T - mu_k) / sigma_k of standardized jurors), and mu', sigma' exact from per-juror sums.
  Such a key is within a bound delta of the exact one (delta is about 1e-12 of the values'
  magnitude, thousands of times the rounding error); when a decision of the ranking lies
  that close (a 1e-9 link of Step 4 or a min_score cut), the juror's reduced ranking is
  computed exactly instead.

The order is then computed again in full (a sort and Step 4's chains), with tie-break keys
only for the entries still tied, and those exactly.

The parts: ``leave`` (Step 2 without one value, for mean, median and trimmed), ``zscore`` (the
shortcut and its statistics), ``stage`` (a stage's scores and keys without one juror),
``ranks`` (Step 4's order and the cuts on reduced scores), ``boards`` (the final, category
and stage rankings); here, each entry's verdict.
"""

from collections import Counter
from itertools import repeat

from scoring._engine import check_method
from scoring.model import Contest, Stability, StabilityRow, Verdict
from scoring.stability.boards import _Board, _FinalBoard, _StageBoard
from scoring.stages import final_plan, stage_run

__all__ = ["stability"]

_NO_RANK = 1 << 62


def stability(
    contest: Contest,
    method: str = "mean",
    *,
    stage_id: int | None = None,
    category: str | None = None,
) -> Stability:
    """Step 8 of docs/scoring.md: each entry's rank range and award over the rankings with
    one juror left out.

    The ranking is the final one (Step 6), with `stage_id` that stage's (where "awarded"
    means "advances"; a screening stage raises ValueError), with `category` that category's
    (Step 7). J holds the jurors with a sheet counted in it: in any stage for the final
    ranking, in the stage for a stage's, for an entry of the category for a category's. For
    each juror of J the ranking is computed again without any of its sheets, in every stage,
    admissions as recorded and zscore's statistics recomputed without it. Rows follow the
    ranking's order.

    >>> from scoring import Contest, Criterion, Eligibility, Entry, Juror, Panel, Sheet, Stage
    >>> totals = {1: (80, 70, 10), 2: (70, 80, 10), 3: (80, 75, 10)}  # juror: entries 1-3
    >>> sheets = [Sheet(j, e, {"X": s}) for j, row in totals.items() for e, s in enumerate(row, 1)]
    >>> contest = Contest(
    ...     (Stage(1, "UTAMA", criteria=(Criterion(1, "X", 1, 0, 100),), sheets=sheets),),
    ...     (Panel(1, "P", 1),), tuple(Juror(j, 1) for j in totals),
    ...     tuple(Entry(e, 10 + e) for e in (1, 2, 3)), Eligibility(), top_n=1)
    >>> result = stability(contest)
    >>> result.jurors_left_out
    3
    >>> [(r.entry_id, r.rank, r.rank_min, r.rank_max, r.verdict.value) for r in result.rows]
    [(1, 1, 1, 2, 'cusp'), (2, 2, 1, 2, 'cusp'), (3, 3, 3, 3, 'stable_out')]
    >>> [(r.awarded_share, r.changed_by) for r in result.rows[:2]]
    [(0.6666666666666666, (1,)), (0.6666666666666666, (1, 3))]

    Without juror 1, entry 2 wins alone (77.5 against 75); without juror 3, the two tie at 75
    and share rank 1: both awarded.
    """
    checked = check_method(method)
    board: _Board
    if stage_id is None:
        board = _FinalBoard(contest, final_plan(contest, checked), category)
    else:
        stage, run = stage_run(contest, stage_id, checked)
        board = _StageBoard(contest, stage.advance, run, category)
    return _assess(checked, board)


def _assess(method: str, board: _Board) -> Stability:
    """Step 8's rows: the full ranking, then the reduced ones juror by juror."""
    full = board.outcome(None, exact=True)
    assert full is not None
    ranks, awarded = full
    listed = board.listed()
    # The ranking's order: by rank, ties by entry id, then the unranked entries by id.
    ranked = list(filter(ranks.__contains__, listed))
    ids = [e for _, e in sorted(zip(map(ranks.__getitem__, ranked), ranked, strict=True))]
    ids += [e for e in listed if e not in ranks]
    rank = list(map(ranks.get, ids))
    won = set(awarded)
    # Per juror, the ranks of the rows (missing: a high mark for the minimum, 0 for the
    # maximum), the entries awarded, and those whose award differs from the full ranking's.
    lows = [list(map(ranks.get, ids, repeat(_NO_RANK)))]
    highs = [list(map(ranks.get, ids, repeat(0)))]
    wins: Counter[int] = Counter()
    flips: dict[int, list[int]] = {}
    jurors = board.jurors()
    for j in jurors:
        found = board.outcome(j, exact=False)
        if found is None:
            # A decision lies within the shortcut's error bound: compute this one exactly.
            found = board.outcome(j, exact=True)
            assert found is not None
        ranks, awarded = found
        lows.append(list(map(ranks.get, ids, repeat(_NO_RANK))))
        highs.append(list(map(ranks.get, ids, repeat(0))))
        wins.update(awarded)
        for e in won.symmetric_difference(awarded):
            flips.setdefault(e, []).append(j)
    low = list(map(min, *lows)) if jurors else lows[0]
    high = list(map(max, *highs)) if jurors else highs[0]
    out = []
    n = len(jurors)
    for i, e in enumerate(ids):
        full_won = e in won
        times = wins[e]
        if not n:
            verdict = Verdict.STABLE_IN if full_won else Verdict.STABLE_OUT
        elif full_won and times == n:
            verdict = Verdict.STABLE_IN
        elif not full_won and not times:
            verdict = Verdict.STABLE_OUT
        else:
            verdict = Verdict.CUSP
        out.append(
            StabilityRow(
                entry_id=e,
                rank=rank[i],
                rank_min=None if low[i] == _NO_RANK else low[i],
                rank_max=high[i] or None,
                awarded_share=times / n if n else None,
                verdict=verdict,
                changed_by=tuple(flips.get(e, ())),
            )
        )
    return Stability(method, n, tuple(out), tuple(jurors))
