// The sign-in page: the secretariat's account (role admin or secretariat).

import { h, replace } from "../dom.js";
import { LoginRefused, login } from "../session.js";

export function loginPage(main, { message, onDone }) {
  const error = h("p", { class: "form-error", id: "login-error", role: "alert" });
  const user = h("input", {
    id: "username",
    name: "username",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
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
      id: "login-form",
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
  replace(
    main,
    h(
      "section",
      { class: "login card", "aria-labelledby": "login-title" },
      h("h1", { id: "login-title" }, "Masuk ke dasbor sekretariat"),
      message ? h("p", { class: "notice" }, message) : null,
      h(
        "p",
        { class: "muted" },
        "Untuk sekretariat konvensi (akun admin atau sekretariat). Juri menilai di ",
        h("a", { href: "/juri/" }, "aplikasi juri"),
        ".",
      ),
      form,
    ),
  );
  user.focus();
}
