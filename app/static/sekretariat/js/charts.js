// Charts as SVG drawn in the page, no library: each is a <figure> whose <svg role="img"> has
// a <title>, followed by the same numbers as a table in a <details>, for screen readers and
// for anyone who would rather read.

import { h, s, table } from "/static/common/dom.js";
import { num, signed } from "./text.js";

const W = 640;
const FONT = 12;
const INK = "#17201f";
const MUTED = "#4f5d5b";
const GRID = "#cfd8d6";
const BRAND = "#0d5c57";
const WARM = "#a4502a";

let serial = 0;

function svg(title, height, children) {
  const id = `chart-title-${++serial}`;
  return s(
    "svg",
    { viewBox: `0 0 ${W} ${height}`, role: "img", "aria-labelledby": id, class: "chart", preserveAspectRatio: "xMidYMid meet" },
    s("title", { id }, title),
    children,
  );
}

// A chart of `rows`: `draw(title)` makes its picture, `empty` says why there is none.
export function figure({ id, title, note, draw, empty, columns, rows }) {
  return h(
    "figure",
    { class: "card chart-card", id, "aria-labelledby": `${id}-caption` },
    h("figcaption", { id: `${id}-caption` }, h("h2", {}, title), note ? h("p", { class: "muted small" }, note) : null),
    rows.length ? draw(title) : h("p", { class: "muted" }, empty),
    h("details", { class: "chart-data" }, h("summary", {}, "Tabel data"), table(columns, rows, { caption: title })),
  );
}

const text = (x, y, value, attrs = {}) => s("text", { x, y, "font-size": FONT, fill: INK, ...attrs }, value);
const line = (x1, y1, x2, y2, stroke = GRID, attrs = {}) => s("line", { x1, y1, x2, y2, stroke, ...attrs });
const clip = (label, n = 26) => (label.length > n ? `${label.slice(0, n - 1)}…` : label);

// A chart of one row per item, their labels left of the plot: where the plot runs and how tall
// the chart is (the axis's labels below the rows).
const rowsFrame = (n, { left = 190, right = W - 20, top, row, bottom = 30 }) => ({ left, right, top, row, height: top + n * row + bottom });

// The value axis: a grid line at each tick, from `top` down to the labels under the rows.
const axis = (ticks, x, top, height, label = String) =>
  ticks.map((v) => [line(x(v), top, x(v), height - 24), text(x(v), height - 8, label(v), { "text-anchor": "middle", fill: MUTED })]);

function niceStep(span) {
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * mag).find((m) => raw <= m) || mag * 10;
}

// Horizontal bars from a middle zero: [{label, value, title}].
export function divergingBars(title, items) {
  const { left, right, top, row, height } = rowsFrame(items.length, { top: 24, row: 26, bottom: 28 });
  const extent = Math.max(1, ...items.map((d) => Math.abs(d.value ?? 0)));
  const step = niceStep(extent);
  const max = Math.ceil(extent / step) * step;
  const mid = (left + right) / 2;
  const x = (v) => mid + ((right - left) / 2) * (v / max);
  const ticks = [];
  for (let v = -max; v <= max + 1e-9; v += step) ticks.push(v);
  return svg(title, height, [
    axis(ticks, x, top - 6, height, (v) => signed(v, step < 1 ? 1 : 0)),
    line(mid, top - 6, mid, height - 24, INK, { "stroke-width": 1.5 }),
    text(x(-max), 14, "← lebih ketat", { fill: MUTED }),
    text(x(max), 14, "lebih murah hati →", { fill: MUTED, "text-anchor": "end" }),
    items.map((d, i) => {
      const y = top + i * row;
      const v = d.value ?? 0;
      const x0 = Math.min(x(0), x(v));
      return s(
        "g",
        {},
        text(left - 8, y + 16, clip(d.label), { "text-anchor": "end" }),
        d.value == null
          ? text(mid + 6, y + 16, "tanpa pembanding", { fill: MUTED })
          : s("rect", { x: x0, y: y + 4, width: Math.max(1, Math.abs(x(v) - x(0))), height: row - 8, fill: v >= 0 ? BRAND : WARM, rx: 2 }, s("title", {}, d.title)),
      );
    }),
  ]);
}

// A scatter of two panels' scores per entry, with the diagonal where they agree.
export function scatter(title, points, xLabel, yLabel) {
  const pad = { left: 56, right: 20, top: 16, bottom: 48 };
  const size = 420;
  const height = size + pad.top + pad.bottom;
  const values = points.flatMap((p) => [p.x, p.y]);
  const step = 10;
  let lo = Math.floor(Math.min(...values, 100) / step) * step;
  let hi = Math.ceil(Math.max(...values, 0) / step) * step;
  if (!values.length) [lo, hi] = [0, 100];
  if (hi - lo < 20) [lo, hi] = [Math.max(0, lo - 10), Math.min(100, hi + 10)];
  const left = pad.left + (W - size - pad.left - pad.right) / 2;
  const x = (v) => left + (size * (v - lo)) / (hi - lo);
  const y = (v) => pad.top + size - (size * (v - lo)) / (hi - lo);
  const ticks = [];
  for (let v = lo; v <= hi; v += step) ticks.push(v);
  return svg(title, height, [
    ticks.map((v) => [
      line(x(v), y(lo), x(v), y(hi)),
      line(x(lo), y(v), x(hi), y(v)),
      text(x(v), y(lo) + 16, String(v), { "text-anchor": "middle", fill: MUTED }),
      text(x(lo) - 6, y(v) + 4, String(v), { "text-anchor": "end", fill: MUTED }),
    ]),
    line(x(lo), y(lo), x(hi), y(hi), MUTED, { "stroke-dasharray": "6 4", "stroke-width": 1.5 }),
    text(x(hi) - 8, y(hi) - 4, "nilai sama", { "text-anchor": "end", fill: MUTED }),
    text(x((lo + hi) / 2), height - 8, xLabel, { "text-anchor": "middle" }),
    text(0, 0, yLabel, { "text-anchor": "middle", transform: `translate(${left - 40} ${y((lo + hi) / 2)}) rotate(-90)` }),
    points.map((p) =>
      s("circle", { cx: x(p.x), cy: y(p.y), r: 6, fill: p.highlight ? WARM : BRAND, "fill-opacity": 0.8, stroke: "#fff" }, s("title", {}, p.title)),
    ),
  ]);
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const base = Math.floor(pos);
  const rest = pos - base;
  return sorted[base + 1] !== undefined ? sorted[base] + rest * (sorted[base + 1] - sorted[base]) : sorted[base];
}

export function summary(values) {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return null;
  return { n: v.length, min: v[0], q1: quantile(v, 0.25), median: quantile(v, 0.5), q3: quantile(v, 0.75), max: v[v.length - 1] };
}

// One row per juror: each total as a dot, and a box from the first to the third quartile
// with the median: [{label, values}], on 0..100.
export function strips(title, rows) {
  const { left, right, top, row, height } = rowsFrame(rows.length, { top: 10, row: 30 });
  const x = (v) => left + ((right - left) * v) / 100;
  return svg(title, height, [
    axis([0, 20, 40, 60, 80, 100], x, top, height),
    rows.map((r, i) => {
      const cy = top + i * row + row / 2;
      const st = summary(r.values);
      return s(
        "g",
        {},
        text(left - 8, cy + 4, clip(r.label), { "text-anchor": "end" }),
        st
          ? [
              line(x(st.min), cy, x(st.max), cy, MUTED),
              s("rect", { x: x(st.q1), y: cy - 9, width: Math.max(2, x(st.q3) - x(st.q1)), height: 18, fill: "#e2efed", stroke: BRAND }),
              line(x(st.median), cy - 11, x(st.median), cy + 11, INK, { "stroke-width": 2.5 }),
              r.values.map((v) => s("circle", { cx: x(v), cy, r: 3, fill: BRAND, "fill-opacity": 0.55 })),
              s("title", {}, `${r.label}: ${st.n} lembar, median ${num(st.median)}, rentang ${num(st.min)}–${num(st.max)}`),
            ]
          : text(left + 6, cy + 4, "belum ada lembar terkirim", { fill: MUTED }),
      );
    }),
  ]);
}

// The top entries' scores as bars, each with its rank range when one juror is left out.
export function scoreBars(title, rows) {
  const { left, right, top, row, height } = rowsFrame(rows.length, { left: 230, right: W - 110, top: 8, row: 28 });
  const max = 100;
  const x = (v) => left + ((right - left) * v) / max;
  const colour = { stable_in: BRAND, cusp: "#c75d00", stable_out: "#8c9896" };
  return svg(title, height, [
    axis([0, 25, 50, 75, 100], x, top, height),
    rows.map((r, i) => {
      const y = top + i * row;
      return s(
        "g",
        {},
        text(left - 8, y + 17, clip(`${r.rank ?? "—"}. ${r.label}`, 32), { "text-anchor": "end" }),
        s("rect", { x: left, y: y + 5, width: Math.max(1, x(r.score ?? 0) - left), height: row - 10, fill: colour[r.verdict] || BRAND, rx: 2 }, s("title", {}, r.title)),
        text(x(r.score ?? 0) + 6, y + 17, `${num(r.score)} · ${r.range}`, { fill: INK }),
      );
    }),
  ]);
}
