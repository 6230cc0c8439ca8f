// The sign-in form of both apps: a username and a password, and what went wrong said in the
// form. `login(username, password)` signs in or throws a LoginRefused; `onDone` gets what it
// returned. `fixed` keeps the username (signing in again as the same person).

import { h, replace } from "./dom.js";
import { LoginRefused } from "./session.js";

export function loginForm({ login, onDone, username = "", fixed = false, id = null }) {
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
      id,
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
          const made = await login(user.value, password.value);
          password.value = "";
          onDone(made);
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

// The sign-in page: a card with its heading, the words before the form, and the form.
export function loginPage(main, { title, lead, ...form }) {
  const { form: el, focus } = loginForm(form);
  replace(
    main,
    h("section", { class: "login card", "aria-labelledby": "login-title" }, h("h1", { id: "login-title" }, title), lead, el),
  );
  focus();
}
