// The public API of the service, and nothing else (docs/api.md): every call the app makes
// is one a script could make through /api/v1. The fetch and its failures are the two apps'
// (/static/common/api.js); the juror's token is given with each call.

import * as common from "/static/common/api.js";

export { AuthError, HttpError, NetworkError } from "/static/common/api.js";

const TIMEOUT_MS = 20000;

export function request(method, path, options = {}) {
  return common.request(method, path, { ...options, timeout: TIMEOUT_MS });
}

export const login = (username, password) => common.login(username, password, { timeout: TIMEOUT_MS });
export const me = (token) => request("GET", "/me", { token });
export const getAll = (path, token) => common.getAll(path, (page) => request("GET", page, { token }));

export function sync(cid, sheets, token) {
  return request("POST", common.conv(cid, "/jurors/me/sheets:sync"), { token, json: { sheets } });
}
