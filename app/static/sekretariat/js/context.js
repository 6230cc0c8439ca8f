// The convention the dashboard looks at: its settings, stages, panels, OPDs, entries and
// jurors, read through the API and refreshed when a screen asks.

import * as api from "./api.js";

export const ctx = {
  session: null,
  cid: null,
  convention: null,
  stages: [],
  panels: [],
  opds: new Map(),
  entries: new Map(),
  jurors: new Map(),
  loadedAt: 0,
};

const listeners = new Set();
export const onConvention = (fn) => listeners.add(fn);

export async function refreshConvention() {
  const [convention, stages] = await Promise.all([
    api.get(api.conv(ctx.cid)),
    api.getAll(api.conv(ctx.cid, "/stages")),
  ]);
  ctx.convention = convention;
  ctx.stages = stages.sort((a, b) => a.position - b.position);
  for (const fn of listeners) fn();
}

// Everything that names things on screen (entries, jurors, OPDs, panels).
export async function refreshLists() {
  const [panels, opds, entries, jurors] = await Promise.all([
    api.getAll(api.conv(ctx.cid, "/panels")),
    api.getAll(api.conv(ctx.cid, "/opds")),
    api.getAll(api.conv(ctx.cid, "/entries")),
    api.getAll(api.conv(ctx.cid, "/jurors")),
  ]);
  ctx.panels = panels;
  ctx.opds = new Map(opds.map((o) => [o.id, o]));
  ctx.entries = new Map(entries.map((e) => [e.id, e]));
  ctx.jurors = new Map(jurors.map((j) => [j.id, j]));
  ctx.loadedAt = Date.now();
}

export async function open(cid) {
  if (ctx.cid !== cid) {
    ctx.cid = cid;
    ctx.convention = null;
    ctx.stages = [];
    ctx.entries = new Map();
    ctx.jurors = new Map();
    await Promise.all([refreshConvention(), refreshLists()]);
  }
}

export function forget() {
  ctx.cid = null;
  ctx.convention = null;
}

export const entryTitle = (id) => {
  const e = ctx.entries.get(id);
  return e ? (e.acronym ? `${e.acronym}: ${e.title}` : e.title) : `Inovasi #${id}`;
};

export const jurorName = (id) => {
  const j = ctx.jurors.get(id);
  return j ? j.full_name : `Juri #${id}`;
};

export const panelName = (id) => {
  const p = ctx.panels.find((x) => x.id === id);
  return p ? p.name : `Panel #${id}`;
};

export const currentStage = () =>
  ctx.stages.find((st) => st.id === ctx.convention?.current_stage_id) || null;

export const scoredStages = () => ctx.stages.filter((st) => st.kind === "scored");

export const lastStage = () => ctx.stages[ctx.stages.length - 1] || null;
