// Logging in and out. The token lives only in this app's IndexedDB (its origin's storage);
// logging out forgets it together with every cached record.

import { LoginRefused, signIn, tokenFields } from "/static/common/session.js";
import * as api from "./api.js";
import * as store from "./store.js";
import { changed, reset, state, waiting } from "./state.js";
import { cancelTimer, syncNow } from "./sync.js";

export async function login(username, password) {
  const { token, me } = await signIn(api, username, password, { network: "jaringan Wi-Fi" });
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
    ...tokenFields(token),
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
