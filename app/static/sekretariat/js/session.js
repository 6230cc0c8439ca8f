// Signing in and out. The token is kept in this tab's sessionStorage, for this origin only:
// it ends with the tab, and no other site or tab reads it. Signing out forgets it here
// without ending the account's tokens elsewhere (the secretariat often shares one account
// between the desk's laptops).

import { LoginRefused, signIn, tokenFields } from "/static/common/session.js";
import * as api from "./api.js";

const KEY = "konvensi.sekretariat.session";
const ROLES = new Set(["admin", "secretariat"]);

export function saved() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (session && session.expires_at > Date.now()) return session;
  } catch {
    // A damaged value: sign in again.
  }
  sessionStorage.removeItem(KEY);
  return null;
}

export async function login(username, password) {
  const { token, me } = await signIn(api, username, password);
  if (!ROLES.has(me.role)) {
    if (me.role === "juror") {
      throw new LoginRefused("Ini akun juri. Juri menilai di aplikasi juri: buka /juri/.");
    }
    throw new LoginRefused("Akun ini tidak berhak membuka dasbor sekretariat.");
  }
  api.useToken(token.access_token);
  const session = {
    ...tokenFields(token),
    username: me.username,
    full_name: me.full_name,
    role: me.role,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function logout() {
  sessionStorage.removeItem(KEY);
  api.useToken(null);
}
