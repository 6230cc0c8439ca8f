// The login form: on its own page at first, in a dialog when a token expires while sheets
// wait (the queue is kept; the same juror logs in again and it drains).

import { h } from "/static/common/dom.js";
import { loginForm, loginPage as page } from "/static/common/login.js";
import { login } from "../session.js";
import { state, waiting } from "../state.js";

export function loginPage(main, onDone) {
  page(main, {
    title: "Masuk sebagai juri",
    lead: h(
      "p",
      { class: "muted" },
      "Gunakan nama pengguna dan kata sandi dari sekretariat konvensi. " +
        "Nilai yang Anda masukkan disimpan di tablet ini lebih dulu, lalu dikirim ke server.",
    ),
    login,
    onDone,
  });
}

let open = null;

// Ask for the password again without leaving the screen the juror is on.
export function reloginDialog(onDone) {
  if (open) return;
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": "relogin-title" });
  const { form, focus } = loginForm({
    login,
    username: state.session ? state.session.username : "",
    fixed: true,
    onDone: () => {
      dialog.close();
      onDone();
    },
  });
  const count = waiting();
  dialog.append(
    h("h2", { id: "relogin-title" }, "Sesi berakhir"),
    h(
      "p",
      {},
      "Masukkan kata sandi Anda lagi untuk melanjutkan. ",
      count
        ? `${count} lembar yang menunggu tetap tersimpan di tablet dan dikirim setelah Anda masuk.`
        : "Tidak ada lembar yang hilang.",
    ),
    form,
    h(
      "div",
      { class: "dialog-actions" },
      h("button", { type: "button", onclick: () => dialog.close() }, "Nanti"),
    ),
  );
  // Later: the juror keeps scoring (every save is queued); "Masuk lagi" in the bar reopens it.
  dialog.addEventListener("close", () => {
    dialog.remove();
    open = null;
  });
  document.body.append(dialog);
  open = dialog;
  dialog.showModal();
  focus();
}
