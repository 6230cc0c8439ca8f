// Logging in and out. The token lives only in this app's IndexedDB (its origin's storage);
// logging out forgets it together with every cached record.

import * as api from "./api.js";
import * as store from "./store.js";
import { changed, reset, state, waiting } from "./state.js";
import { cancelTimer, syncNow } from "./sync.js";

export class LoginRefused extends Error {}

function refusal(error) {
  if (error instanceof api.NetworkError) {
    return "Server tidak dapat dihubungi. Periksa jaringan Wi-Fi, lalu coba lagi.";
  }
  if (error instanceof api.HttpError) {
    if (error.status === 401) return "Nama pengguna atau kata sandi salah.";
    if (error.status === 429) {
      const wait = Math.ceil(error.retryAfter || 60);
      return `Terlalu banyak percobaan gagal. Coba lagi dalam ${wait} detik.`;
    }
    if (error.status === 422) return "Isi nama pengguna dan kata sandi.";
  }
  return "Masuk gagal. Coba lagi sebentar lagi.";
}

export async function login(username, password) {
  let token;
  let me;
  try {
    token = await api.login(username.trim(), password);
    me = await api.me(token.access_token);
  } catch (error) {
    throw new LoginRefused(refusal(error));
  }
  if (me.role !== "juror") {
    throw new LoginRefused("Akun ini bukan akun juri. Sekretariat memakai dasbor sekretariat.");
  }
  if (me.convention_id == null) {
    throw new LoginRefused("Akun juri ini belum terdaftar di konvensi mana pun.");
  }
  const previous = state.session;
  if (previous && previous.juror_id !== me.id) {
    if (waiting() > 0) {
      throw new LoginRefused(
        `Tablet ini masih menyimpan ${waiting()} lembar milik ${previous.username} yang belum terkirim. ` +
          "Masuk dengan akun itu, atau keluar terlebih dahulu.",
      );
    }
    await store.clearAll();
    reset();
  }
  state.session = {
    token: token.access_token,
    expires_at: Date.now() + token.expires_in * 1000,
    juror_id: me.id,
    username: me.username,
    full_name: me.full_name,
    convention_id: me.convention_id,
    panel_id: me.panel_id ?? null,
    needs_login: false,
  };
  await store.put("kv", state.session, "session");
  await store.persist();
  state.trouble = null;
  changed();
  await syncNow({ pull: true });
}

export async function logout() {
  cancelTimer();
  await store.clearAll();
  reset();
}
