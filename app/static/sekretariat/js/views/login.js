// The sign-in page: the secretariat's account (role admin or secretariat).

import { h } from "/static/common/dom.js";
import { loginPage as page } from "/static/common/login.js";
import { login } from "../session.js";

export function loginPage(main, { message, onDone }) {
  page(main, {
    title: "Masuk ke dasbor sekretariat",
    lead: [
      message ? h("p", { class: "notice" }, message) : null,
      h(
        "p",
        { class: "muted" },
        "Untuk sekretariat konvensi (akun admin atau sekretariat). Juri menilai di ",
        h("a", { href: "/juri/" }, "aplikasi juri"),
        ".",
      ),
    ],
    id: "login-form",
    login,
    onDone,
  });
}
