// Signing in and out. The token is kept in this tab's sessionStorage, for this origin only:
// it ends with the tab, and no other site or tab reads it. Signing out forgets it here
// without ending the account's tokens elsewhere (the secretariat often shares one account
// between the desk's laptops).

import * as api from "./api.js";

const KEY = "konvensi.sekretariat.session";
const ROLES = new Set(["admin", "secretariat"]);

export class LoginRefused extends Error {}

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

function refusal(error) {
  if (error instanceof api.NetworkError) {
    return "Server tidak dapat dihubungi. Periksa jaringan, lalu coba lagi.";
  }
  if (error instanceof api.HttpError) {
    if (error.status === 401) return "Nama pengguna atau kata sandi salah.";
    if (error.status === 429) return "Terlalu banyak percobaan gagal. Tunggu sebentar, lalu coba lagi.";
    if (error.status === 422) return "Isi nama pengguna dan kata sandi.";
  }
  return "Masuk gagal. Coba lagi sebentar lagi.";
}

export async function login(username, password) {
  let token;
  let me;
  try {
    token = await api.login(username.trim(), password);
    api.useToken(token.access_token);
    me = await api.get("/me");
  } catch (error) {
    api.useToken(null);
    throw new LoginRefused(refusal(error));
  }
  if (!ROLES.has(me.role)) {
    api.useToken(null);
    if (me.role === "juror") {
      throw new LoginRefused("Ini akun juri. Juri menilai di aplikasi juri: buka /juri/.");
    }
    throw new LoginRefused("Akun ini tidak berhak membuka dasbor sekretariat.");
  }
  const session = {
    token: token.access_token,
    expires_at: Date.now() + token.expires_in * 1000,
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
