// IndexedDB, the tablet's own copy of everything: the session, the convention's data, the
// juror's sheets as the server last answered them, the queue of sheets still to send, and
// the edits of a sheet not yet saved. The network is only ever an upload of this copy.

const NAME = "konvensi-juri";
const VERSION = 1;

// kv: small records by name (session, convention, criteria, entries, ...)
// sheets: the server's copy of each of the juror's sheets, by entry_id
// queue: sheets waiting to be sent, one per entry (the newest save), by entry_id
// refused: sheets the server refused for good (kept so they can still be exported)
// edits: a sheet's unsaved edits, so a reload or a crash does not lose them
export const STORES = ["kv", "sheets", "queue", "refused", "edits"];

let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        for (const name of ["sheets", "queue", "refused", "edits"]) {
          if (!db.objectStoreNames.contains(name)) {
            db.createObjectStore(name, { keyPath: "entry_id" });
          }
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema: let it, and reopen next time.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
    });
  }
  return opening;
}

// One transaction over `names`; `work(stores)` queues requests on them. Resolves when the
// transaction has committed, with what `work` returned (awaited requests inside are fine as
// long as nothing else is awaited). Writes to the queue ask for strict durability: a sheet
// acknowledged to the juror as "saved on the tablet" must survive the battery running out.
export async function transact(names, mode, work) {
  const db = await open();
  const options = mode === "readwrite" ? { durability: "strict" } : undefined;
  const tx = db.transaction(names, mode, options);
  const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
  let result;
  try {
    result = await work(stores);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    throw error;
  }
  await done;
  return result;
}

export const req = promised;

export function get(store, key) {
  return transact([store], "readonly", (s) => promised(s[store].get(key)));
}

export function all(store) {
  return transact([store], "readonly", (s) => promised(s[store].getAll()));
}

export function put(store, value, key) {
  return transact([store], "readwrite", (s) => {
    s[store].put(value, key);
  });
}

export function del(store, key) {
  return transact([store], "readwrite", (s) => {
    s[store].delete(key);
  });
}

export function count(store) {
  return transact([store], "readonly", (s) => promised(s[store].count()));
}

// Everything, as at logout.
export function clearAll() {
  return transact(STORES, "readwrite", (s) => {
    for (const name of STORES) s[name].clear();
  });
}

// Ask the browser not to evict our data under storage pressure (best effort).
export async function persist() {
  try {
    if (navigator.storage && navigator.storage.persist) await navigator.storage.persist();
  } catch {
    // not granted: IndexedDB still works
  }
}
