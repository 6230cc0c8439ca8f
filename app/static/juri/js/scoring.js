// The juror's total on the device, exactly as the server computes it (docs/scoring.md Step 1):
//   q_c = (s_c - min_c) / (max_c - min_c),  T = 100 * sum_c w_c q_c / sum_c w_c
// The server evaluates it as sum_c f_c s_c - sum_c f_c min_c with f_c = 100 w_c / (range_c
// sum_w), each sum correctly rounded (Python's math.fsum); so does this module, so that the
// number the juror sees is the number the ranking will use, to the last bit.

// Python's math.fsum: Shewchuk's exact partials, then CPython's correctly rounded sum of them
// (including its half-even correction across partials). Finite inputs only.
export function fsum(values) {
  const partials = [];
  for (let x of values) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    if (x !== 0) partials.push(x);
  }
  let n = partials.length;
  let hi = 0;
  if (n > 0) {
    n -= 1;
    hi = partials[n];
    let lo = 0;
    while (n > 0) {
      const x = hi;
      n -= 1;
      const y = partials[n];
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
  }
  return hi;
}

// T(j, e) for one sheet, or null while some criterion has no score.
export function total(criteria, scores) {
  if (!criteria.length) return null;
  for (const c of criteria) {
    if (typeof scores[c.code] !== "number" || !Number.isFinite(scores[c.code])) return null;
  }
  const sumW = fsum(criteria.map((c) => c.weight));
  const factors = criteria.map((c) => (100 * c.weight) / ((c.max_score - c.min_score) * sumW));
  const offset = fsum(criteria.map((c, i) => factors[i] * c.min_score));
  const sum = fsum(criteria.map((c, i) => factors[i] * scores[c.code]));
  return offset ? sum - offset : sum;
}

// Python's f"{x:.2f}": correctly rounded, ties to even. toFixed rounds ties away from zero,
// and a tie at the third decimal happens exactly when 8x is an odd integer.
export function fixed2(x) {
  const eighths = x * 8;
  if (!(Number.isInteger(eighths) && eighths % 2 !== 0)) return x.toFixed(2);
  const cents = Math.abs(x) * 100; // an exact k + 0.5
  const down = Math.floor(cents);
  const even = down % 2 === 0 ? down : down + 1;
  const digits = `${Math.floor(even / 100)}.${String(even % 100).padStart(2, "0")}`;
  return x < 0 ? `-${digits}` : digits;
}

// Indonesian writes a decimal comma.
export const formatTotal = (x) => fixed2(x).replace(".", ",");

export function formatNumber(x) {
  if (x === null || x === undefined) return "";
  return String(x).replace(".", ",");
}

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

// A typed score: "7,5" or "7.5"; null for an empty field, NaN for anything else.
export function parseScore(text) {
  const t = String(text).trim();
  if (t === "") return null;
  if (!NUMBER.test(t)) return Number.NaN;
  return Number(t.replace(",", "."));
}

// The server's rule for one score (app/services/sheets.py): inside [min, max] and, with a
// step, min plus a whole number of steps (to 1e-9 relative). An Indonesian message, or null.
export function problemWith(criterion, value) {
  if (value === null) return null;
  if (!Number.isFinite(value)) return "Masukkan angka, misalnya 7,5.";
  const { min_score: lo, max_score: hi, step } = criterion;
  if (value < lo || value > hi) {
    return `Nilai harus antara ${formatNumber(lo)} dan ${formatNumber(hi)}.`;
  }
  if (step) {
    const steps = (value - lo) / step;
    if (Math.abs(steps - Math.round(steps)) > 1e-9 * Math.max(1, Math.abs(steps))) {
      return `Nilai harus ${formatNumber(lo)} ditambah kelipatan ${formatNumber(step)}.`;
    }
  }
  return null;
}
