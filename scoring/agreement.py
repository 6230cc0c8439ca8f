"""How far the panels agree, for the secretariat to read before results are published.

Panel scores within 1e-9 of each other count as tied, with the same chaining as Step 4
of docs/scoring.md, so that float noise never turns an exact tie into an order.
"""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations

from scoring.model import Panel, PanelAgreement, Ranking
from scoring.ranking import chain_groups


def _panel_values(ranking: Ranking, name: str) -> dict[int, float]:
    return {r.entry_id: r.panel_scores[name] for r in ranking.rows if name in r.panel_scores}


def panel_rankings(
    ranking: Ranking, panels: Sequence[Panel]
) -> dict[str, list[tuple[int, int, float]]]:
    """Each panel's own order: name -> [(rank, entry_id, P(p, e))], best first.

    P(p, e) is Step 2's panel score as the ranking carries it; ranks follow Step 4.1 and
    4.3 on that one key (1e-9 chained groups, competition ranks, ties by entry_id).
    Panels are listed by id.
    """
    out: dict[str, list[tuple[int, int, float]]] = {}
    for panel in sorted(panels, key=lambda p: p.id):
        values = _panel_values(ranking, panel.name)
        listed: list[tuple[int, int, float]] = []
        for group in chain_groups(values, values.__getitem__):
            rank = len(listed) + 1
            listed.extend((rank, e, values[e]) for e in sorted(group))
        out[panel.name] = listed
    return out


def tie_classes(values: Sequence[float]) -> list[int]:
    """Dense class of each value, ascending, values within 1e-9 (chained) sharing a class."""
    groups = chain_groups(range(len(values)), lambda i: -values[i])
    classes = [0] * len(values)
    for c, group in enumerate(groups):
        for i in group:
            classes[i] = c
    return classes


def _inversions(xs: list[int]) -> int:
    """Pairs i < j with xs[i] > xs[j], by bottom-up merge sort: O(n log n)."""
    src = list(xs)
    n = len(src)
    count = 0
    width = 1
    while width < n:
        dst: list[int] = []
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            if mid >= hi or src[mid - 1] <= src[mid]:
                dst.extend(src[lo:hi])
                continue
            i, j = lo, mid
            while i < mid and j < hi:
                if src[j] < src[i]:
                    dst.append(src[j])
                    count += mid - i
                    j += 1
                else:
                    dst.append(src[i])
                    i += 1
            dst.extend(src[i:mid])
            dst.extend(src[j:hi])
        src = dst
        width *= 2
    return count


def _pairs(counts: Iterable[int]) -> int:
    return sum(t * (t - 1) // 2 for t in counts)


def kendall_tau_b(x: Sequence[int], y: Sequence[int]) -> float | None:
    """Kendall's tau-b by Knight's algorithm; None below 2 values or without variance."""
    n = len(x)
    if n < 2:
        return None
    pairs = sorted(zip(x, y, strict=True))
    total = n * (n - 1) // 2
    tied_x = _pairs(Counter(a for a, _ in pairs).values())
    tied_y = _pairs(Counter(y).values())
    tied_xy = _pairs(Counter(pairs).values())
    if tied_x == total or tied_y == total:
        return None
    # Pairs sorted by x then y: a remaining inversion in y is exactly a discordant pair.
    discordant = _inversions([b for _, b in pairs])
    numerator = total - tied_x - tied_y + tied_xy - 2 * discordant
    return numerator / math.sqrt((total - tied_x) * (total - tied_y))


def _average_ranks(classes: Sequence[int]) -> list[float]:
    size = Counter(classes)
    start: dict[int, int] = {}
    seen = 0
    for c in sorted(size):
        start[c] = seen
        seen += size[c]
    # Ranks seen+1 .. seen+size average to seen + (size + 1) / 2.
    return [start[c] + (size[c] + 1) / 2 for c in classes]


def spearman_rho(x: Sequence[int], y: Sequence[int]) -> float | None:
    """Spearman's rho: Pearson's r of average ranks; None below 2 values or without variance."""
    if len(x) < 2:
        return None
    rx = _average_ranks(x)
    ry = _average_ranks(y)
    mean = (len(x) + 1) / 2
    dx = [r - mean for r in rx]
    dy = [r - mean for r in ry]
    sxx = math.fsum(d * d for d in dx)
    syy = math.fsum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return None
    return math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)


def panel_agreement(ranking: Ranking, panels: Sequence[Panel]) -> list[PanelAgreement]:
    """Kendall's tau-b and Spearman's rho between every two panels' scores P(p, e).

    Over the entries both panels scored (Step 2's panel scores from the ranking), for
    each pair of panels in id order. Ties are values within 1e-9, chained as in Step 4.
    """
    out = []
    for a, b in combinations(sorted(panels, key=lambda p: p.id), 2):
        va = _panel_values(ranking, a.name)
        vb = _panel_values(ranking, b.name)
        common = sorted(va.keys() & vb.keys())
        x = tie_classes([va[e] for e in common])
        y = tie_classes([vb[e] for e in common])
        out.append(
            PanelAgreement(
                panel_a=a.name,
                panel_b=b.name,
                entries=len(common),
                kendall_tau=kendall_tau_b(x, y),
                spearman_rho=spearman_rho(x, y),
            )
        )
    return out
