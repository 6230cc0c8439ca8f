"""Step 4's order and Step 5's cuts again, on the scores of a reduced ranking."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import compress, islice, repeat
from operator import sub

from scoring._engine import TOLERANCE
from scoring.stages import Level
from scoring.stages.order import _chain_missing

Tier = tuple[list[int], Mapping[int, float], list[Level]]
"""Entries of one reach (best first once ordered), their K0 and the keys after it."""


def _ranks(
    tiers: Sequence[Tier], members: Collection[int] | None, delta: float
) -> dict[int, int] | None:
    """Competition ranks over the tiers (Step 4, Step 6's reaches), of the `members` alone
    when given (Step 7). None when `delta` (the keys' error bound) puts a link in doubt.

    What ``stages.order`` computes, at C speed where nothing is tied: the sort (of entries
    listed in the full ranking's order, so nearly sorted already), then Step 4.1's links
    between neighbours; the runs of linked entries are the groups tied on K0, which go
    through the next keys together (`_refine`)."""
    out: dict[int, int] = {}
    rank = 1
    for items, k0, levels in tiers:
        chosen = items if members is None else list(filter(members.__contains__, items))
        if not chosen:
            continue
        key = k0.__getitem__
        ordered = sorted(chosen, key=key, reverse=True)
        ks = list(map(key, ordered))
        gaps = list(map(sub, ks, islice(ks, 1, None)))
        if delta and min(map(abs, map(sub, gaps, repeat(TOLERANCE))), default=1.0) <= 2 * delta:
            # Keys off by up to delta could link where exact ones would not, or the reverse.
            return None
        n = len(ordered)
        out.update(zip(ordered, range(rank, rank + n), strict=True))
        linked = list(compress(range(n - 1), map(TOLERANCE.__ge__, gaps)))
        if linked:
            runs: list[tuple[int, int]] = []  # first and last place of each tied group
            first = last = linked[0]
            for i in linked[1:]:
                if i != last + 1:
                    runs.append((first, last + 1))
                    first = i
                last = i
            runs.append((first, last + 1))
            split = iter(_refine([ordered[a : b + 1] for a, b in runs], levels))
            for a, b in runs:
                at = rank + a
                left = b - a + 1
                while left:
                    part = next(split)
                    out.update(dict.fromkeys(part, at))
                    at += len(part)
                    left -= len(part)
        rank += n
    return out


def _refine(groups: list[list[int]], levels: Sequence[Level]) -> list[list[int]]:
    """Step 4.2 on groups tied on K0, best first, as ``stages.order`` splits them: each
    group on the next key (computed at once for every entry still tied), then each part on
    the key after, until single entries or the keys run out. Pairs, the common tie, are
    compared directly."""
    for _, compute in levels:
        need = sorted(i for g in groups if len(g) > 1 for i in g)
        if not need:
            break
        get = compute(need).get
        split: list[list[int]] = []
        for g in groups:
            if len(g) == 1:
                split.append(g)
            elif len(g) == 2:
                a, b = g
                ka, kb = get(a), get(b)
                if ka is None or kb is None:
                    # A missing key is lower than any number, equal to another missing one.
                    if ka is None and kb is None:
                        split.append(g)
                    else:
                        split += [[b], [a]] if ka is None else [[a], [b]]
                elif abs(ka - kb) <= TOLERANCE:
                    split.append(g)
                else:
                    split += [[a], [b]] if ka > kb else [[b], [a]]
            else:
                split.extend(_chain_missing(g, get))
        groups = split
    return groups


def _within(ranks: Mapping[int, int], cut: int) -> set[int]:
    """The entries ranked `cut` or better (awarded with top_n, or through a top-k rule)."""
    return set(compress(ranks, map(cut.__ge__, ranks.values())))


def _categories(
    entry_ids: Iterable[int], category_of: Mapping[int, str | None]
) -> list[str | None]:
    """The categories that have a ranking, as ``stages._category_ranks`` names them (an empty
    name is None's)."""
    return [name or None for name in sorted({category_of[e] or "" for e in entry_ids})]


def _members(category_of: Mapping[int, str | None], category: str | None) -> frozenset[int]:
    return frozenset(e for e, c in category_of.items() if c == category)
