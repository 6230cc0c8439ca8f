// What the screens show, held in memory and mirrored from IndexedDB (store.js). Views read
// it; sync.js and queue.js change it and call changed().

import * as store from "./store.js";

export const state = {
  session: null, // {token, juror_id, username, full_name, convention_id, panel_id, needs_login}
  convention: null,
  stage: null, // {id, name} when the server has stages (docs/api.md "Stages of judging")
  criteria: [],
  entries: [],
  opds: new Map(),
  progress: null, // Map entry_id -> the server's progress state, when known
  sheets: new Map(), // entry_id -> the server's sheet
  queue: new Map(), // entry_id -> the sheet waiting to be sent
  refused: new Map(), // entry_id -> a sheet the server refused for good
  online: navigator.onLine !== false,
  syncing: false,
  lastSync: null, // time of the last exchange that worked
  trouble: null, // why the last attempt failed, in words
  nextTry: null, // when the next automatic attempt is due
};

const listeners = new Set();
let pending = false;

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Listeners run once per burst of changes.
export function changed() {
  if (pending) return;
  pending = true;
  queueMicrotask(() => {
    pending = false;
    for (const listener of [...listeners]) listener();
  });
}

const byEntry = (items) => new Map(items.map((item) => [item.entry_id, item]));

// Other tabs of the app on this tablet share the stores: tell them when they change.
const channel = "BroadcastChannel" in self ? new BroadcastChannel("konvensi-juri") : null;
if (channel) channel.onmessage = () => reloadSheets(false);

// The local stores that saves and sync results touch.
export async function reloadSheets(tell = true) {
  const [sheets, queue, refused] = await Promise.all([
    store.all("sheets"),
    store.all("queue"),
    store.all("refused"),
  ]);
  state.sheets = byEntry(sheets);
  state.queue = byEntry(queue);
  state.refused = byEntry(refused);
  if (tell && channel) channel.postMessage("sheets");
  changed();
}

export async function load() {
  const [session, convention, stage, criteria, entries, opds, progress, lastSync] =
    await Promise.all(
      ["session", "convention", "stage", "criteria", "entries", "opds", "progress", "lastSync"].map(
        (key) => store.get("kv", key),
      ),
    );
  Object.assign(state, {
    session: session || null,
    convention: convention || null,
    stage: stage || null,
    criteria: criteria || [],
    entries: entries || [],
    opds: new Map((opds || []).map((o) => [o.id, o])),
    progress: progress ? new Map(progress.map((p) => [p.entry_id, p.state])) : null,
    lastSync: lastSync || null,
  });
  await reloadSheets(false);
}

export function reset() {
  Object.assign(state, {
    session: null,
    convention: null,
    stage: null,
    criteria: [],
    entries: [],
    opds: new Map(),
    progress: null,
    sheets: new Map(),
    queue: new Map(),
    refused: new Map(),
    lastSync: null,
    trouble: null,
    nextTry: null,
  });
  changed();
}

// --- derived --------------------------------------------------------------------------------

// Sheets still to reach the server: pending, in conflict, or waiting for a fix.
export const waiting = () => state.queue.size;

// belum / draf / menunggu / terkirim, for one entry.
export function entryState(entryId) {
  if (state.queue.has(entryId)) return "menunggu";
  const sheet = state.sheets.get(entryId);
  if (!sheet) return "belum";
  return sheet.status === "submitted" ? "terkirim" : "draf";
}

// The entries this juror scores: those the server lists, less the ones its progress says the
// juror is conflicted with or not assigned to.
export function scorableEntries() {
  return state.entries.filter((entry) => {
    const s = state.progress && state.progress.get(entry.id);
    return s !== "conflict" && s !== "not_assigned";
  });
}

// What the sheet form starts from: the queued save if any, else a refused one (the juror's
// work, shown with the reason), else the server's sheet.
export function currentSheet(entryId) {
  return state.queue.get(entryId) || state.refused.get(entryId) || state.sheets.get(entryId) || null;
}

// A submitted sheet is final: on the server, or queued with submit.
export function isFinal(entryId) {
  const queued = state.queue.get(entryId);
  if (queued) return queued.submit === true && queued.state === "pending";
  const sheet = state.sheets.get(entryId);
  return !!sheet && sheet.status === "submitted";
}
