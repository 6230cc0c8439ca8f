// The public API of the service, and nothing else (docs/api.md): how both web apps call
// /api/v1 and tell its failures apart. Every call is one a script could make with the same
// token. Each app gives its own timeout and keeps its token its own way.

const BASE = "/api/v1";
const PAGE = 500;

// No answer at all: offline, the server down, a timeout. Never a reason to drop a sheet.
export class NetworkError extends Error {}

// An answer with an error status; `problem` is the RFC 9457 body when there is one.
export class HttpError extends Error {
  constructor(status, problem, retryAfter = null) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  // Worth retrying later with the same body: the server (or the way to it) is unwell.
  get transient() {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }

  // The problem's kind, its `type` without the prefix: "validation", "convention-state", …
  get type() {
    return String((this.problem && this.problem.type) || "").replace("/problems/", "");
  }
}

// 401: the token expired or was revoked.
export class AuthError extends HttpError {}

function retryAfterSeconds(response) {
  const value = response.headers.get("Retry-After");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : null;
}

const isJson = (response) => (response.headers.get("Content-Type") || "").includes("json");

// One call: the answer whatever its status, or a NetworkError when none came within
// `timeout` ms. The body is `json`, `form` (urlencoded) or a ready `body` (a FormData).
export async function send(method, path, { token, json, form, body: raw, accept = "application/json", timeout }) {
  const headers = { Accept: accept };
  let body = raw;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = new URLSearchParams(form);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  try {
    return await fetch(BASE + path, {
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
}

// What an answer with an error status throws: an AuthError for a 401, else an HttpError.
export async function refusal(response) {
  let problem = null;
  if (isJson(response)) {
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
  }
  const Kind = response.status === 401 ? AuthError : HttpError;
  return new Kind(response.status, problem, retryAfterSeconds(response));
}

// An answer's JSON (null when it has none), or its refusal thrown.
export async function read(response) {
  if (!response.ok) throw await refusal(response);
  if (response.status === 204 || !isJson(response)) return null;
  try {
    return await response.json();
  } catch {
    // A body cut short by a dropped connection: as good as no answer.
    throw new NetworkError("truncated answer");
  }
}

export async function request(method, path, options) {
  return read(await send(method, path, options));
}

// A token for a username and password (OAuth2's password form).
export function login(username, password, options = {}) {
  return request("POST", "/auth/token", { ...options, form: { username, password } });
}

// Every item of a paginated list (`limit` at most 500); `get(path)` reads one page.
export async function getAll(path, get) {
  const items = [];
  const sep = path.includes("?") ? "&" : "?";
  for (;;) {
    const page = await get(`${path}${sep}limit=${PAGE}&offset=${items.length}`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

export const conv = (cid, path = "") => `/conventions/${cid}${path}`;
