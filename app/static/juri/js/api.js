// The public API of the service, and nothing else (docs/api.md): every call the app makes
// is one a script could make through /api/v1.

const BASE = "/api/v1";
const TIMEOUT_MS = 20000;
const PAGE = 500;

// No answer at all: offline, the server down, a timeout. Never a reason to drop a sheet.
export class NetworkError extends Error {}

// An answer with an error status; `problem` is the RFC 9457 body when there is one.
export class HttpError extends Error {
  constructor(status, problem, retryAfter) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  // Worth retrying later with the same body: the server (or the way to it) is unwell.
  get transient() {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

// 401: the token expired or was revoked. The queue stays; the juror logs in again.
export class AuthError extends HttpError {}

function retryAfterSeconds(response) {
  const value = response.headers.get("Retry-After");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : null;
}

export async function request(method, path, { token, json, form } = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = new URLSearchParams(form);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      body,
      cache: "no-store",
      credentials: "omit",
      signal: controller.signal,
    });
  } catch (error) {
    throw new NetworkError(error && error.name === "AbortError" ? "timeout" : String(error));
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      data = await response.json();
    } catch {
      // A body cut short by a dropped connection: as good as no answer.
      if (response.ok) throw new NetworkError("truncated answer");
    }
  }
  if (response.ok) return data;
  const Kind = response.status === 401 ? AuthError : HttpError;
  throw new Kind(response.status, data, retryAfterSeconds(response));
}

export function login(username, password) {
  return request("POST", "/auth/token", { form: { username, password } });
}

export function me(token) {
  return request("GET", "/me", { token });
}

// Every item of a paginated list (`limit` at most 500).
export async function getAll(path, token) {
  const items = [];
  const sep = path.includes("?") ? "&" : "?";
  for (;;) {
    const page = await request("GET", `${path}${sep}limit=${PAGE}&offset=${items.length}`, {
      token,
    });
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

export const conventionPath = (cid) => `/conventions/${cid}`;

export function sync(cid, sheets, token) {
  return request("POST", `/conventions/${cid}/jurors/me/sheets:sync`, {
    token,
    json: { sheets },
  });
}
