// Sending the queue and fetching the convention's data. The queue goes up at load, when the
// network comes back, when the juror asks ("Sinkronkan"), after each save, and on a timer
// that backs off exponentially while the server cannot be reached; a success resets it.
// Requests go one at a time: a venue's Wi-Fi is slow enough as it is.

import * as api from "./api.js";
import { Backoff, Timer, isOnline } from "./connection.js";
import * as queue from "./queue.js";
import * as store from "./store.js";
import { changed, reloadSheets, state } from "./state.js";
import { problemText } from "./text.js";

const BATCH = 20;
const backoff = new Backoff();
const timer = new Timer(() => syncNow({ reason: "timer" }));
let running = null;
let again = false;
let againPull = false;
let onAuthLost = () => {};

export function onLoginNeeded(callback) {
  onAuthLost = callback;
}

// Several tabs of the app on one tablet share one queue: one sends at a time.
function exclusive(work) {
  if (navigator.locks && navigator.locks.request) {
    return navigator.locks.request("konvensi-juri-sync", work);
  }
  return work();
}

export function syncNow({ pull = false } = {}) {
  if (running) {
    again = true;
    againPull = againPull || pull;
    return running;
  }
  running = (async () => {
    try {
      let withPull = pull;
      do {
        again = false;
        await exclusive(() => cycle(withPull));
        withPull = againPull;
        againPull = false;
      } while (again);
    } finally {
      running = null;
      state.syncing = false;
      changed();
    }
  })();
  return running;
}

async function cycle(withPull) {
  const session = state.session;
  if (!session || session.needs_login) return;
  if (!isOnline()) {
    // No attempt, no failure counted: the "online" event starts the next one.
    timer.cancel();
    state.trouble = "Lembar dikirim otomatis begitu jaringan kembali.";
    state.nextTry = null;
    return;
  }
  state.syncing = true;
  changed();
  try {
    await push(session);
    if (withPull || !state.convention) await pull(session);
    backoff.reset();
    timer.cancel();
    state.trouble = null;
    state.nextTry = null;
    state.lastSync = Date.now();
    await store.put("kv", state.lastSync, "lastSync");
  } catch (error) {
    await failed(error);
  }
}

async function failed(error) {
  if (error instanceof api.AuthError) {
    // Keep every record; ask for the password again, then carry on.
    timer.cancel();
    state.nextTry = null;
    state.trouble = "Sesi berakhir: masuk lagi untuk mengirim.";
    if (state.session) {
      state.session = { ...state.session, needs_login: true };
      await store.put("kv", state.session, "session");
    }
    onAuthLost();
    return;
  }
  if (error instanceof api.NetworkError || (error instanceof api.HttpError && error.transient)) {
    const wait = backoff.fail(error.retryAfter ?? null);
    timer.schedule(wait);
    state.nextTry = Date.now() + wait;
    if (!isOnline()) state.trouble = "Lembar dikirim otomatis begitu jaringan kembali.";
    else if (error instanceof api.NetworkError) state.trouble = "Server tidak terjangkau.";
    else state.trouble = `${problemText(error.problem)} (HTTP ${error.status})`;
    return;
  }
  // Any other refusal of a read: say so; the queue is untouched.
  state.trouble = error instanceof api.HttpError ? problemText(error.problem) : String(error);
  console.error(error);
}

const pendingItems = () =>
  [...state.queue.values()]
    .filter((item) => item.state === "pending")
    .sort((a, b) => a.saved_at - b.saved_at);

async function push(session) {
  await reloadSheets(false); // the stores, not memory, say what waits (another tab may have sent it)
  for (;;) {
    const items = pendingItems().slice(0, BATCH);
    if (!items.length) return;
    await send(session, items);
  }
}

async function send(session, items) {
  let answer;
  try {
    answer = await api.sync(session.convention_id, items.map(queue.toSyncItem), session.token);
  } catch (error) {
    const refusal =
      error instanceof api.HttpError && !(error instanceof api.AuthError) && !error.transient;
    if (!refusal) throw error;
    // The whole request refused (an item the request's schema rejects): one at a time, so
    // that only the faulty sheet is held back, with its problem shown.
    if (items.length > 1) {
      for (const item of items) await send(session, [item]);
    } else {
      await queue.markInvalid(items[0], error.problem);
    }
    return;
  }
  await queue.applyResults(items, answer.results);
}

// The convention's data, for reading offline. With stages (a convention that carries
// `current_stage_id`), the criteria and entries of the current stage; without, all of them.
async function pull(session) {
  const { token, convention_id: cid } = session;
  const base = `/conventions/${cid}`;
  const convention = await api.request("GET", base, { token });
  const stageId = "current_stage_id" in convention ? convention.current_stage_id : null;
  let stage = null;
  let criteria;
  let entries;
  if (stageId != null) {
    // The convention names its current stage (code, name, kind) for jurors.
    const current = convention.current_stage;
    stage = current
      ? { id: stageId, name: current.name, code: current.code, kind: current.kind }
      : { id: stageId, name: null };
    criteria = await api.getAll(`${base}/criteria?stage_id=${stageId}`, token);
    try {
      entries = await api.getAll(`${base}/stages/${stageId}/entries`, token);
    } catch (error) {
      // 403: this juror's panel does not judge the current stage; nothing to score in it.
      if (!(error instanceof api.HttpError) || error.status !== 403) throw error;
      entries = [];
      stage.notJudged = true;
    }
  } else {
    criteria = await api.getAll(`${base}/criteria`, token);
    entries = await api.getAll(`${base}/entries`, token);
  }
  const opds = await api.getAll(`${base}/opds`, token);
  const sheets = await api.getAll(`${base}/jurors/me/sheets`, token);
  let progress = null;
  try {
    const read = await api.request("GET", `${base}/jurors/me/progress`, { token });
    progress = read.entries.map((e) => ({ entry_id: e.entry_id, state: e.state }));
  } catch (error) {
    if (error instanceof api.AuthError || error instanceof api.NetworkError) throw error;
  }
  await store.transact(["kv", "sheets"], "readwrite", (s) => {
    s.kv.put(convention, "convention");
    s.kv.put(stage, "stage");
    s.kv.put(criteria, "criteria");
    s.kv.put(entries, "entries");
    s.kv.put(opds, "opds");
    s.kv.put(progress, "progress");
    s.sheets.clear();
    for (const sheet of sheets) s.sheets.put(sheet);
  });
  Object.assign(state, {
    convention,
    stage,
    criteria,
    entries,
    opds: new Map(opds.map((o) => [o.id, o])),
    progress: progress ? new Map(progress.map((p) => [p.entry_id, p.state])) : null,
  });
  await reloadSheets();
}

export function cancelTimer() {
  timer.cancel();
  backoff.reset();
}

// The network is back (or the tablet woke up): a fresh start, not the tail of a long backoff.
export function networkBack() {
  backoff.reset();
  return syncNow({ pull: true });
}
