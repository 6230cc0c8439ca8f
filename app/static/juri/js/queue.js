// The queue of sheets to send: every save lands here first (IndexedDB, strict durability),
// one item per entry holding the newest save, and leaves only when the server has it.

import * as store from "./store.js";
import { reloadSheets, state } from "./state.js";

let counter = 0;
const nextSeq = () => `${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

// Queue a save of the whole sheet. `base_version` is the server version the juror's edit
// started from: kept from an earlier queued save of the same entry (they share a base),
// else the version of the server's sheet on the tablet, else none (a first write).
export async function save(entryId, { scores, comment, submit }) {
  const item = await store.transact(["queue", "sheets", "edits"], "readwrite", async (s) => {
    const previous = await store.req(s.queue.get(entryId));
    const server = await store.req(s.sheets.get(entryId));
    let base = null;
    if (previous && previous.state !== "conflict") base = previous.base_version;
    else if (server) base = server.version;
    const next = {
      entry_id: entryId,
      scores,
      comment: comment === "" ? null : comment,
      submit: !!submit,
      base_version: base,
      stage_id: state.stage ? state.stage.id : null,
      seq: nextSeq(),
      state: "pending",
      saved_at: Date.now(),
    };
    s.queue.put(next);
    s.edits.delete(entryId);
    return next;
  });
  await reloadSheets();
  return item;
}

// The body of one `sheets:sync` item. `stage_id` only when the server has stages: today's
// SyncItem forbids unknown fields.
export function toSyncItem(item) {
  const body = {
    entry_id: item.entry_id,
    scores: item.scores,
    comment: item.comment,
    submit: item.submit,
  };
  if (item.base_version != null) body.base_version = item.base_version;
  if (item.stage_id != null) body.stage_id = item.stage_id;
  return body;
}

const sameScores = (a, b) => {
  const ka = Object.keys(a || {});
  const kb = Object.keys(b || {});
  return ka.length === kb.length && ka.every((k) => Number(a[k]) === Number(b[k]));
};

// Does the server's sheet already hold what the item says (then there is nothing to send)?
export function sameAsServer(item, sheet) {
  return (
    !!sheet &&
    sameScores(item.scores, sheet.scores) &&
    (item.comment || null) === (sheet.comment || null) &&
    (item.submit ? "submitted" : "draft") === sheet.status
  );
}

// Apply the answers of one `sheets:sync` request to the queue, in one transaction. An item
// saved again while its request was in flight (a different `seq`) stays queued: its newer
// body still has to go, on top of the version the server just gave.
export async function applyResults(sent, results) {
  await store.transact(["queue", "sheets", "refused"], "readwrite", async (s) => {
    for (let i = 0; i < results.length; i++) {
      const result = results[i];
      const item = sent.find((x) => x.entry_id === result.entry_id) || sent[i];
      const current = await store.req(s.queue.get(item.entry_id));
      const replaced = !current || current.seq !== item.seq;
      let outcome = result.outcome;
      if (outcome === "conflict" && sameAsServer(item, result.sheet)) outcome = "unchanged";
      if (result.sheet) s.sheets.put(result.sheet);
      if (outcome === "accepted" || outcome === "unchanged") {
        if (!replaced) s.queue.delete(item.entry_id);
        else if (current && current.base_version === item.base_version && result.sheet) {
          s.queue.put({ ...current, base_version: result.sheet.version });
        }
      } else if (replaced) {
        // The newer save meets the same answer on its own turn.
      } else if (outcome === "conflict") {
        s.queue.put({ ...current, state: "conflict", server: result.sheet || null, problem: result.problem });
      } else if (outcome === "invalid") {
        s.queue.put({ ...current, state: "invalid", problem: result.problem });
      } else {
        s.queue.delete(item.entry_id);
        s.refused.put({ ...current, state: "refused", problem: result.problem, refused_at: Date.now() });
      }
    }
  });
  await reloadSheets();
}

// A whole request refused for one item (a 4xx that is not about the network): keep it, show
// the problem, and stop sending it until the juror saves it again.
export async function markInvalid(item, problem) {
  await store.transact(["queue"], "readwrite", async (s) => {
    const current = await store.req(s.queue.get(item.entry_id));
    if (current && current.seq === item.seq) s.queue.put({ ...current, state: "invalid", problem });
  });
  await reloadSheets();
}

// The juror's choice after a conflict. "mine": send the juror's sheet again on top of the
// server's version. "server": drop the juror's sheet and keep the server's.
export async function resolve(entryId, choice) {
  await store.transact(["queue", "edits"], "readwrite", async (s) => {
    const current = await store.req(s.queue.get(entryId));
    if (!current) return;
    if (choice === "server") {
      s.queue.delete(entryId);
    } else {
      const base = current.server ? current.server.version : null;
      s.queue.put({ ...current, state: "pending", base_version: base, server: null, problem: null, seq: nextSeq() });
    }
    s.edits.delete(entryId);
  });
  await reloadSheets();
}

export async function dismissRefused(entryId) {
  await store.del("refused", entryId);
  await reloadSheets();
}

// Put a refused sheet back in the queue (say the secretariat reopened judging).
export async function retryRefused(entryId) {
  await store.transact(["queue", "refused"], "readwrite", async (s) => {
    const item = await store.req(s.refused.get(entryId));
    if (!item) return;
    const queued = await store.req(s.queue.get(entryId));
    if (!queued) {
      s.queue.put({ ...item, state: "pending", problem: null, refused_at: undefined, seq: nextSeq() });
    }
    s.refused.delete(entryId);
  });
  await reloadSheets();
}

// Unsaved edits of the open sheet: survive a reload or a crash, never sent.
export function keepEdits(entryId, edits) {
  return store.put("edits", { entry_id: entryId, ...edits, kept_at: Date.now() });
}

export function edits(entryId) {
  return store.get("edits", entryId);
}

export function dropEdits(entryId) {
  return store.del("edits", entryId);
}

// The last resort for a tablet that never reconnects: the queue as a file. `sheets` is the
// body `POST .../jurors/me/sheets:sync` takes, so whoever holds the juror's login can send it.
export function exportDocument() {
  const s = state.session || {};
  const items = [...state.queue.values(), ...state.refused.values()];
  return {
    format: "konvensi-juri-antrean",
    version: 1,
    exported_at: new Date().toISOString(),
    origin: location.origin,
    convention_id: s.convention_id ?? null,
    convention_name: state.convention ? state.convention.name : null,
    stage_id: state.stage ? state.stage.id : null,
    juror: { id: s.juror_id ?? null, username: s.username ?? null, full_name: s.full_name ?? null },
    sheets: items.map(toSyncItem),
    details: items.map((item) => ({
      entry_id: item.entry_id,
      state: item.state,
      saved_at: new Date(item.saved_at).toISOString(),
      problem: item.problem || null,
    })),
  };
}
