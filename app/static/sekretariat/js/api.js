// The public API of the service, and nothing else (docs/api.md): every call the
// dashboard makes is one a script could make through /api/v1 with the same token.

const BASE = "/api/v1";
const TIMEOUT_MS = 30000;
const PAGE = 500;

// No answer at all: the server down, the venue's network gone, a timeout.
export class NetworkError extends Error {}

// An answer with an error status; `problem` is the RFC 9457 body when there is one.
export class HttpError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  get type() {
    return String((this.problem && this.problem.type) || "").replace("/problems/", "");
  }
}

// 401: the token expired or was ended. The dashboard asks to sign in again.
export class AuthError extends HttpError {}

let token = null;
let onAuthLost = () => {};

export function useToken(value) {
  token = value;
}

export function whenAuthLost(callback) {
  onAuthLost = callback;
}

async function send(method, path, { json, form, body: raw, accept = "application/json" } = {}) {
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
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
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

async function failure(response) {
  let problem = null;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
  }
  if (response.status === 401) {
    const error = new AuthError(401, problem);
    if (token) onAuthLost(error);
    return error;
  }
  return new HttpError(response.status, problem);
}

export async function request(method, path, options) {
  const response = await send(method, path, options);
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : null;
}

export const get = (path) => request("GET", path);
export const post = (path, json) => request("POST", path, { json });
export const patch = (path, json) => request("PATCH", path, { json });
export const del = (path) => request("DELETE", path);

// A file (CSV, XLSX, PDF, ZIP) as a Blob with the name the server gave it. The bearer token
// is needed, so a plain link cannot do it.
export async function fetchFile(path) {
  const response = await send("GET", path, { accept: "*/*" });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = disposition.match(/filename="?([^";]+)"?/);
  const name = match ? match[1] : path.split("/").pop().split("?")[0];
  return { blob: await response.blob(), name };
}

// multipart/form-data with one field `file` (the bulk import; `PUT` for the piagam's logo).
export function upload(path, file, method = "POST") {
  const body = new FormData();
  body.append("file", file, file.name);
  return request(method, path, { body });
}

export function login(username, password) {
  return request("POST", "/auth/token", { form: { username, password } });
}

// Every item of a paginated list (`limit` at most 500).
export async function getAll(path) {
  const items = [];
  const sep = path.includes("?") ? "&" : "?";
  for (;;) {
    const page = await get(`${path}${sep}limit=${PAGE}&offset=${items.length}`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

export const conv = (cid, path = "") => `/conventions/${cid}${path}`;
