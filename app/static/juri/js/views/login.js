// The login form: on its own page at first, in a dialog when a token expires while sheets
// wait (the queue is kept; the same juror logs in again and it drains).

import { h, replace } from "../dom.js";
import { LoginRefused, login } from "../session.js";
import { state, waiting } from "../state.js";

function loginForm({ username = "", fixed = false, onDone }) {
  const error = h("p", { class: "form-error", id: "login-error", role: "alert" });
  const user = h("input", {
    id: "username",
    name: "username",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
    readonly: fixed,
    value: username,
  });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const button = h("button", { type: "submit", class: "primary wide" }, "Masuk");
  const form = h(
    "form",
    {
      class: "login-form",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (!user.value.trim() || !password.value) {
          replace(error, "Isi nama pengguna dan kata sandi.");
          (user.value.trim() ? password : user).focus();
          return;
        }
        button.disabled = true;
        replace(error);
        try {
          await login(user.value, password.value);
          password.value = "";
          onDone();
        } catch (failure) {
          replace(error, failure instanceof LoginRefused ? failure.message : String(failure));
          password.select();
        } finally {
          button.disabled = false;
        }
      },
    },
    h("div", { class: "field" }, h("label", { for: "username" }, "Nama pengguna"), user),
    h("div", { class: "field" }, h("label", { for: "password" }, "Kata sandi"), password),
    error,
    button,
  );
  return { form, focus: () => (fixed ? password : user).focus() };
}

export function loginPage(main, onDone) {
  const { form, focus } = loginForm({ onDone });
  replace(
    main,
    h(
      "section",
      { class: "login card", "aria-labelledby": "login-title" },
      h("h1", { id: "login-title" }, "Masuk sebagai juri"),
      h(
        "p",
        { class: "muted" },
        "Gunakan nama pengguna dan kata sandi dari sekretariat konvensi. " +
          "Nilai yang Anda masukkan disimpan di tablet ini lebih dulu, lalu dikirim ke server.",
      ),
      form,
    ),
  );
  focus();
}

let open = null;

// Ask for the password again without leaving the screen the juror is on.
export function reloginDialog(onDone) {
  if (open) return;
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": "relogin-title" });
  const { form, focus } = loginForm({
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
