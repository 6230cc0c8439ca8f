// The admin's accounts screen (#/akun): the admin and secretariat accounts of the service,
// a new secretariat account for some conventions, and deactivating or reactivating one.
// Jurors are made under their convention (Impor). A secretariat never sees the link; the API
// answers it 403 anyway.

import { h, replace, table } from "/static/common/dom.js";
import * as api from "../api.js";
import { ctx } from "../context.js";
import { ROLES, when } from "../text.js";
import { SectionsView, field } from "./sections.js";

export class AccountsView extends SectionsView {
  constructor(main) {
    super(main, { "account-create": "", accounts: "span2" });
  }

  async mount() {
    document.title = "Akun · Dasbor Sekretariat";
    if (!ctx.session || ctx.session.role !== "admin") {
      replace(
        this.main,
        h("section", { class: "card" }, h("h1", {}, "Akun"), h("p", {}, "Hanya admin yang mengelola akun sekretariat."), h("p", {}, h("a", { href: "#/" }, "Kembali ke daftar konvensi"))),
      );
      return;
    }
    this.layout(
      "Akun",
      "Akun admin dan sekretariat. Sekretariat hanya melihat dan mengelola konvensi yang ditetapkan untuknya; akun juri dibuat di konvensinya (layar Impor). ",
      h("a", { href: "#/" }, "Kembali ke daftar konvensi"),
    );
    await this.refresh();
  }

  async refresh() {
    const [accounts, conventions] = await Promise.all([api.getAll("/accounts"), api.getAll("/conventions")]);
    this.accounts = accounts;
    this.conventions = conventions;
    if (!this.form) this.renderCreate();
    this.renderList();
  }

  async acted() {
    await this.refresh();
  }

  conventionName(id) {
    const c = this.conventions.find((x) => x.id === id);
    return c ? c.name : `Konvensi #${id}`;
  }

  renderCreate() {
    const username = h("input", { id: "account-username", autocomplete: "off", spellcheck: "false", autocapitalize: "none" });
    const fullName = h("input", { id: "account-full-name", autocomplete: "off" });
    const password = h("input", { id: "account-password", type: "password", autocomplete: "new-password", "aria-describedby": "account-password-hint" });
    const boxes = this.conventions.map((c) => h("input", { id: `account-convention-${c.id}`, type: "checkbox", value: String(c.id) }));
    const create = async () => {
      const body = {
        username: username.value.trim(),
        full_name: fullName.value.trim(),
        password: password.value,
        role: "secretariat",
        convention_ids: boxes.filter((b) => b.checked).map((b) => Number(b.value)),
      };
      const made = await api.post("/accounts", body);
      for (const input of [username, fullName, password]) input.value = "";
      for (const box of boxes) box.checked = false;
      const names = made.convention_ids.map((id) => this.conventionName(id)).join("; ") || "belum ada konvensi";
      return `Akun sekretariat ${made.username} dibuat untuk: ${names}.`;
    };
    const submit = h("button", { type: "submit", class: "primary" }, "Buat akun");
    this.form = h(
      "form",
      {
        id: "account-form",
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          this.act(submit, "account-create", create);
        },
      },
      field("account-username", "Nama pengguna", username),
      field("account-full-name", "Nama lengkap", fullName),
      field("account-password", "Kata sandi", password, "Paling sedikit 10 karakter. Sampaikan kepada pemilik akun secara langsung."),
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, "Konvensi yang dikelola"),
        this.conventions.length
          ? this.conventions.map((c, i) => h("div", { class: "check" }, boxes[i], h("label", { for: `account-convention-${c.id}` }, c.name)))
          : h("p", { class: "muted" }, "Belum ada konvensi."),
      ),
      h("div", { class: "actions-row" }, submit),
    );
    replace(this.sections["account-create"], h("h2", { id: "account-create-title" }, "Buat akun sekretariat"), this.form, this.notes["account-create"]);
  }

  renderList() {
    const setActive = (a, active) => async () => {
      const done = await api.patch(`/accounts/${a.id}`, { active });
      return active ? `Akun ${done.username} aktif lagi.` : `Akun ${done.username} dinonaktifkan: sesinya berakhir dan tidak dapat masuk.`;
    };
    const toggle = (a) => {
      const active = !a.active;
      const label = active ? "Aktifkan" : "Nonaktifkan";
      return this.button(label, "accounts", setActive(a, active), { cls: active ? "primary" : "", name: `${label} ${a.username}` });
    };
    replace(
      this.sections.accounts,
      h("h2", { id: "accounts-title" }, "Daftar akun"),
      h("p", { class: "muted small" }, "Menonaktifkan mengakhiri semua sesi akun itu dan menolak masuknya; admin aktif terakhir tidak dapat dinonaktifkan."),
      table(
        [
          { label: "Nama pengguna", header: true, value: (a) => a.username },
          { label: "Nama lengkap", value: (a) => a.full_name },
          { label: "Peran", value: (a) => ROLES[a.role] || a.role },
          { label: "Konvensi", value: (a) => (a.role === "admin" ? "semua" : a.convention_ids.map((id) => this.conventionName(id)).join("; ") || "—") },
          { label: "Status", value: (a) => h("span", { class: a.active ? "badge ok" : "badge" }, a.active ? "Aktif" : "Nonaktif") },
          { label: "Dibuat", value: (a) => when(a.created_at) },
          { label: "Tindakan", value: (a) => toggle(a) },
        ],
        this.accounts,
        { label: "Daftar akun", className: "data accounts" },
      ),
      this.notes.accounts,
    );
  }
}
