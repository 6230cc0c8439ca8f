"""How far a stage's jurors agree (docs/scoring.md Step 9): leniency and Krippendorff's alpha.

Everything here reads the counted juror totals T(j, e) of one stage as plain
(juror_id, entry_id, T) triples; `juror_totals` makes them from sheets with the same
counting rule as `rank`.

Sums of squared differences over pairs use the identity

    sum over ordered pairs i != j of (v_i - v_j)^2 = 2 m sum_i (v_i - mean)^2

so that they cost O(m), not O(m^2). Values are first shifted by their least one: the
shift is exact for values close together (Sterbenz), so the spread is never lost to
the magnitude, and `math.fsum` keeps every sum correctly rounded.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from scoring._engine import Engine
from scoring.eligibility import Eligibility
from scoring.model import Criterion, Entry, Juror, Panel, SheetLike

Total = tuple[int, int, float]
"""(juror_id, entry_id, T(j, e)): one counted sheet's Step 1 total."""


@dataclass(frozen=True, slots=True)
class JurorLeniency:
    """Step 9: mean of d(j, e) over `leniency_n` entries; None when there are none."""

    juror_id: int
    leniency: float | None
    leniency_n: int


@dataclass(frozen=True, slots=True)
class Alpha:
    """Step 9: Krippendorff's alpha (interval) and the number of pairable units (entries)."""

    krippendorff_alpha: float | None
    pairable_entries: int


@dataclass(frozen=True, slots=True)
class PanelAlpha:
    """One panel's alpha over the entries its jurors scored (Step 9)."""

    panel_id: int
    panel_name: str
    krippendorff_alpha: float | None
    pairable_entries: int


@dataclass(frozen=True, slots=True)
class StageAgreement:
    """Step 9 for one stage: panels by id, jurors by id."""

    panels: tuple[PanelAlpha, ...]
    jurors: tuple[JurorLeniency, ...]


def _by_entry(totals: Iterable[Total]) -> dict[int, list[tuple[int, float]]]:
    """entry_id -> [(juror_id, T)]; a juror's second total for one entry is an error."""
    units: dict[int, list[tuple[int, float]]] = {}
    seen: set[tuple[int, int]] = set()
    for juror_id, entry_id, value in totals:
        if (juror_id, entry_id) in seen:
            raise ValueError(f"juror {juror_id} has more than one total for entry {entry_id}")
        if not math.isfinite(value):
            raise ValueError(f"juror {juror_id}, entry {entry_id}: total must be finite")
        seen.add((juror_id, entry_id))
        units.setdefault(entry_id, []).append((juror_id, value))
    return units


def _sum_squares(values: Sequence[float]) -> float:
    """sum (v - mean)^2, 0.0 exactly when every value is equal."""
    low = min(values)
    if low == max(values):
        return 0.0
    shifted = [v - low for v in values]
    mean = math.fsum(shifted) / len(shifted)
    return math.fsum((x - mean) ** 2 for x in shifted)


def leniency(totals: Iterable[Total]) -> list[JurorLeniency]:
    """Each juror's leniency over one stage's counted totals: docs/scoring.md Step 9.

    For juror j and an entry e that j and at least one other juror have totals for,
    d(j, e) = T(j, e) - mean of T(k, e) over the other jurors k (any panel);
    `leniency` is the mean of d(j, e) over those entries and `leniency_n` their number,
    None and 0 when there are none. Positive: more generous than colleagues on the
    same entries. One row per juror of `totals`, by juror id.

    >>> rows = leniency([(1, 10, 80.0), (2, 10, 70.0), (3, 10, 60.0), (1, 11, 50.0)])
    >>> [(r.juror_id, r.leniency, r.leniency_n) for r in rows]
    [(1, 15.0, 1), (2, 0.0, 1), (3, -15.0, 1)]
    """
    diffs: dict[int, list[float]] = {}
    for unit in _by_entry(totals).values():
        for juror_id, _ in unit:
            diffs.setdefault(juror_id, [])
        m = len(unit)
        if m < 2:
            continue
        low = min(v for _, v in unit)
        shifted = [v - low for _, v in unit]
        total = math.fsum(shifted)
        for (juror_id, _), x in zip(unit, shifted, strict=True):
            diffs[juror_id].append(x - (total - x) / (m - 1))
    return [
        JurorLeniency(j, math.fsum(d) / len(d) if d else None, len(d))
        for j, d in sorted(diffs.items())
    ]


def krippendorff_alpha(values: Iterable[Total]) -> Alpha:
    """Krippendorff's alpha, interval metric, of one panel: docs/scoring.md Step 9.

    Units are the entries, coders the panel's jurors, values T(j, e), given as
    (juror_id, entry_id, T) triples. Units with one value are dropped; over the m_u
    values of each remaining (pairable) unit, n = sum_u m_u, and ordered pairs i != j:

        D_o = (1 / n) sum_u 1 / (m_u - 1) sum_{i != j in u} (v_i - v_j)^2
        D_e = 1 / (n (n - 1)) sum_{i != j over all pairable values} (v_i - v_j)^2
        alpha = 1 - D_o / D_e

    alpha is None with fewer than two pairable units or when D_e = 0. O(n) time. See
    K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C.

    >>> a = krippendorff_alpha([(1, 10, 80.0), (2, 10, 70.0), (1, 11, 50.0), (2, 11, 40.0)])
    >>> a.pairable_entries, a.krippendorff_alpha
    (2, 0.85)
    """
    pairable = [[v for _, v in unit] for unit in _by_entry(values).values() if len(unit) >= 2]
    units = len(pairable)
    if units < 2:
        return Alpha(None, units)
    spread = _sum_squares(list(chain.from_iterable(pairable)))
    if spread == 0:
        return Alpha(None, units)
    n = sum(map(len, pairable))
    # With the identity above: D_o = (2 / n) sum_u m_u SS_u / (m_u - 1), D_e = 2 SS / (n - 1).
    within = math.fsum(len(u) * _sum_squares(u) / (len(u) - 1) for u in pairable)
    observed = 2 * within / n
    expected = 2 * spread / (n - 1)
    return Alpha(1 - observed / expected, units)


def stage_agreement(
    totals: Iterable[Total], jurors: Sequence[Juror], panels: Sequence[Panel]
) -> StageAgreement:
    """Step 9 of docs/scoring.md for one scored stage: alpha per panel, leniency per juror.

    `totals` are the stage's counted (juror_id, entry_id, T) triples; `jurors` place each
    juror in one of `panels` (the stage's). Every panel gets a row, by id (alpha None with
    fewer than two pairable entries), and every juror too, by id (leniency None and
    leniency_n 0 without an entry shared with another juror). A total of a juror not in
    `jurors`, or a juror of a panel not in `panels`, raises ValueError.

    >>> got = stage_agreement(
    ...     [(1, 10, 80.0), (2, 10, 70.0), (1, 11, 50.0), (2, 11, 40.0), (3, 10, 75.0)],
    ...     [Juror(1, 1), Juror(2, 1), Juror(3, 2)],
    ...     [Panel(1, "K", 1.0), Panel(2, "L", 1.0)],
    ... )
    >>> [(p.panel_name, p.krippendorff_alpha, p.pairable_entries) for p in got.panels]
    [('K', 0.85, 2), ('L', None, 0)]
    >>> [(j.juror_id, j.leniency, j.leniency_n) for j in got.jurors]
    [(1, 8.75, 2), (2, -8.75, 2), (3, 0.0, 1)]
    """
    known = {p.id for p in panels}
    panel_of: dict[int, int] = {}
    for j in jurors:
        if j.panel_id not in known:
            raise ValueError(f"juror {j.id}: unknown panel {j.panel_id}")
        panel_of[j.id] = j.panel_id
    listed = list(totals)
    per_panel: dict[int, list[Total]] = {p: [] for p in known}
    for t in listed:
        if t[0] not in panel_of:
            raise ValueError(f"total of unknown juror {t[0]}")
        per_panel[panel_of[t[0]]].append(t)
    found = {r.juror_id: r for r in leniency(listed)}
    alphas = []
    for p in sorted(panels, key=lambda p: p.id):
        a = krippendorff_alpha(per_panel[p.id])
        alphas.append(PanelAlpha(p.id, p.name, a.krippendorff_alpha, a.pairable_entries))
    rows = tuple(found.get(j, JurorLeniency(j, None, 0)) for j in sorted(panel_of))
    return StageAgreement(tuple(alphas), rows)


def juror_totals(
    criteria: Sequence[Criterion],
    panels: Sequence[Panel],
    jurors: Sequence[Juror],
    entries: Sequence[Entry],
    sheets: Iterable[SheetLike],
    *,
    conflicts: Iterable[tuple[int, int]] = (),
    recusals: Iterable[tuple[int, int]] = (),
    assignments: Iterable[tuple[int, int]] | None = None,
) -> list[Total]:
    """The counted (juror_id, entry_id, T(j, e)) of one stage's sheets (Step 1), by entry
    then juror id. Arguments and the counting rule (conflicts, recusals, assignments)
    are those of `rank`; bad input raises ValueError as there.
    """
    eligibility = Eligibility.of(conflicts, recusals, assignments)
    return Engine(criteria, panels, jurors, entries, sheets, eligibility).juror_totals()
