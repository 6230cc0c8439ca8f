// The public API of the service, and nothing else (docs/api.md): every call the dashboard
// makes is one a script could make through /api/v1 with the same token. The fetch and its
// failures are the two apps' (/static/common/api.js); this tab's token is kept here.

import * as common from "/static/common/api.js";

export { AuthError, HttpError, NetworkError, conv } from "/static/common/api.js";

const TIMEOUT_MS = 30000;

let token = null;
let onAuthLost = () => {};

export function useToken(value) {
  token = value;
}

// 401 to a call made with the tab's token: it expired or was ended; sign in again.
export function whenAuthLost(callback) {
  onAuthLost = callback;
}

// One call with this tab's token (unless the call gives one), its answer read by `read`.
async function call(method, path, options, read = common.read) {
  try {
    return await read(await common.send(method, path, { token, ...options, timeout: TIMEOUT_MS }));
  } catch (error) {
    if (error instanceof common.AuthError && token) onAuthLost(error);
    throw error;
  }
}

export const request = (method, path, options) => call(method, path, options);
export const get = (path) => request("GET", path);
export const post = (path, json) => request("POST", path, { json });
export const patch = (path, json) => request("PATCH", path, { json });
export const del = (path) => request("DELETE", path);

// A file (CSV, XLSX, PDF, ZIP) as a Blob with the name the server gave it. The bearer token
// is needed, so a plain link cannot do it.
export function fetchFile(path) {
  return call("GET", path, { accept: "*/*" }, async (response) => {
    if (!response.ok) throw await common.refusal(response);
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = disposition.match(/filename="?([^";]+)"?/);
    const name = match ? match[1] : path.split("/").pop().split("?")[0];
    return { blob: await response.blob(), name };
  });
}

// multipart/form-data with one field `file` (the bulk import; `PUT` for the piagam's logo).
export function upload(path, file, method = "POST") {
  const body = new FormData();
  body.append("file", file, file.name);
  return request(method, path, { body });
}

export const login = (username, password) => common.login(username, password, { timeout: TIMEOUT_MS });
export const me = (value) => request("GET", "/me", { token: value });

// Every item of a paginated list (`limit` at most 500).
export const getAll = (path) => common.getAll(path, get);
