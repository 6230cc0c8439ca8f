// When to try the network again: exponential backoff with jitter, reset by a success, and
// the browser's own hints (online, the page becoming visible again).

export class Backoff {
  constructor({ base = 2000, max = 60000, factor = 2, jitter = 0.2, random = Math.random } = {}) {
    Object.assign(this, { base, max, factor, jitter, random });
    this.failures = 0;
  }

  // The wait before the next attempt after one more failure; `retryAfter` (seconds, from a
  // 429 or 503) is a floor the server asked for.
  fail(retryAfter = null) {
    this.failures += 1;
    const raw = Math.min(this.max, this.base * this.factor ** (this.failures - 1));
    const spread = raw * this.jitter * (this.random() * 2 - 1);
    const wait = Math.round(raw + spread);
    return retryAfter == null ? wait : Math.max(wait, retryAfter * 1000);
  }

  reset() {
    this.failures = 0;
  }
}

// One pending timer: a newer schedule replaces the older one.
export class Timer {
  constructor(callback) {
    this.callback = callback;
    this.handle = null;
    this.due = null;
  }

  schedule(ms) {
    this.cancel();
    this.due = Date.now() + ms;
    this.handle = setTimeout(() => {
      this.handle = null;
      this.due = null;
      this.callback();
    }, ms);
  }

  cancel() {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    this.due = null;
  }
}

export function isOnline() {
  return navigator.onLine !== false;
}

// Calls `onChance` whenever the network may be back: the `online` event and the page
// becoming visible (a tablet waking up); `onOffline` when the browser says it is gone.
export function watch({ onChance, onOffline }) {
  window.addEventListener("online", onChance);
  window.addEventListener("offline", onOffline);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") onChance();
  });
}
