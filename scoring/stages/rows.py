"""A ranking's rows from Step 4's order: competition ranks, categories' ranks (Step 7),
awards and warnings (Step 5)."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from scoring.model import AdvanceRule, Method, Ranking, RankingRow, RankingWarning
from scoring.stages.order import Key, Level, Ordered, order


@dataclass(slots=True)
class _Line:
    """What a row needs about one entry, before ranks are known."""

    entry_id: int
    score: float | None
    panel_scores: dict[str, float]
    sheet_count: int
    expected: int
    category: str | None
    reach_stage_id: int | None = None
    stage_scores: dict[str, float] | None = None
    advances: bool | None = None


@dataclass(frozen=True, slots=True)
class _Tiers:
    """Ranked entries in tiers (reaches, best first; one tier inside a stage), each tier
    with the keys Step 4 compares it on."""

    tiers: list[tuple[list[int], Mapping[int, float], list[Level]]]

    def ordered(self, keep: Callable[[int], bool] | None = None) -> list[Ordered]:
        out = []
        for items, k0, levels in self.tiers:
            chosen = items if keep is None else [i for i in items if keep(i)]
            if chosen:
                out.append(order(chosen, k0, levels))
        return out


def _ranks(ordered: list[Ordered]) -> list[tuple[int, list[int]]]:
    """Competition ranks over tiers: (rank, group ids ascending) best first."""
    out = []
    rank = 1
    for o in ordered:
        for g in o.groups:
            out.append((rank, sorted(g)))
            rank += len(g)
    return out


def _category_ranks(
    tiers: _Tiers, lines: Mapping[int, _Line]
) -> tuple[dict[int, int], dict[str | None, list[tuple[int, list[int]]]]]:
    """Step 7: each category's own order and competition ranks."""
    categories = sorted({lines[i].category or "" for t in tiers.tiers for i in t[0]})
    rank_of: dict[int, int] = {}
    per: dict[str | None, list[tuple[int, list[int]]]] = {}
    for name in categories:
        category = name or None
        ranked = _ranks(tiers.ordered(partial(_in_category, lines, category)))
        per[category] = ranked
        for r, group in ranked:
            rank_of.update(dict.fromkeys(group, r))
    return rank_of, per


def _in_category(lines: Mapping[int, _Line], category: str | None, entry_id: int) -> bool:
    return lines[entry_id].category == category


def _boundary(ranked: list[tuple[int, list[int]]], cut: int) -> list[int]:
    """Entries of a tied group that straddles the cut (Step 5)."""
    out: list[int] = []
    for r, group in ranked:
        if len(group) > 1 and r <= cut < r + len(group) - 1:
            out.extend(group)
    return out


def _build(
    method: Method,
    top_n: int,
    tiers: _Tiers,
    lines: Mapping[int, _Line],
    unranked: list[int],
    *,
    awarded_in_category: bool,
    award: bool,
    category: str | None,
    extra_warnings: Sequence[RankingWarning] = (),
    cut: tuple[AdvanceRule, int] | None = None,
    extras: bool = True,
) -> Ranking:
    """Rows best first (ranks, ties, Step 5's awards), unranked entries last by id; with
    `category`, that category's ranking alone (Step 7)."""
    ordered = tiers.ordered()
    overall = _ranks(ordered)
    if extras or awarded_in_category or category is not None or cut is not None:
        category_rank, per_category = _category_ranks(tiers, lines)
    else:
        category_rank, per_category = {}, {}
    keys: dict[int, list[Key]] = {}
    decided: dict[int, str] = {}
    for o in ordered:
        keys.update(o.keys)
        decided.update(o.decided)
    if category is None:
        listed = overall
    else:
        listed = per_category.get(category, [])
        # Keys and what decided, as compared inside the category.
        for o in tiers.ordered(lambda i: lines[i].category == category):
            keys.update(o.keys)
            decided.update(o.decided)
    if award and awarded_in_category:
        awarded = {i for r, g in per_category_items(per_category) for i in g if r <= top_n}
        boundary = [i for ranked in per_category.values() for i in _boundary(ranked, top_n)]
        if category is not None:
            boundary = _boundary(per_category.get(category, []), top_n)
    elif award:
        awarded = {i for r, g in overall for i in g if r <= top_n}
        boundary = _boundary(overall, top_n)
    else:
        awarded = set()
        boundary = []
        if cut is not None:
            rule, count = cut
            if rule is AdvanceRule.TOP:
                boundary = _boundary(overall, count)
            else:
                boundary = [i for ranked in per_category.values() for i in _boundary(ranked, count)]
    rows: list[RankingRow] = []
    for rank, group in listed:
        tied = len(group) > 1
        for i in group:
            rows.append(
                _row(lines[i], rank, tied, i in awarded, keys[i], decided[i], category_rank)
            )
    shown = set(lines) if category is None else {i for i in lines if lines[i].category == category}
    for i in sorted(unranked):
        if i in shown:
            rows.append(_row(lines[i], None, False, False, (), None, category_rank))
    warnings = [
        RankingWarning("boundary_tie", tuple(sorted(i for i in boundary if i in shown))),
        *(
            RankingWarning(w.code, tuple(i for i in w.entry_ids if i in shown))
            for w in extra_warnings
        ),
    ]
    return Ranking(
        method=method,
        top_n=top_n,
        rows=tuple(rows),
        warnings=tuple(w for w in warnings if w.entry_ids),
    )


def per_category_items(
    per: Mapping[str | None, list[tuple[int, list[int]]]],
) -> Iterable[tuple[int, list[int]]]:
    for ranked in per.values():
        yield from ranked


def _row(
    line: _Line,
    rank: int | None,
    tied: bool,
    awarded: bool,
    keys: Sequence[Key],
    decided: str | None,
    category_rank: Mapping[int, int],
) -> RankingRow:
    return RankingRow(
        line.entry_id,
        rank,
        line.score if rank is not None else None,
        line.panel_scores,
        line.sheet_count,
        line.expected,
        line.sheet_count == line.expected,
        tied,
        awarded,
        tuple(keys),
        decided,
        line.category,
        category_rank.get(line.entry_id),
        line.advances,
        line.reach_stage_id,
        line.stage_scores,
    )
