// The secretariat's dashboard: sign-in, the convention picker, and the screens of one
// convention chosen by the address's hash (#/k/{cid}/{screen}). Screens that show live data
// are refreshed every 10 seconds while the tab is visible.

import { h, replace } from "/static/common/dom.js";
import * as api from "./api.js";
import { ctx, forget, onConvention, open, refreshConvention } from "./context.js";
import * as session from "./session.js";
import { STATUS, clock } from "./text.js";
import { AccountsView } from "./views/accounts.js";
import { ActionsView } from "./views/actions.js";
import { AuditView } from "./views/audit.js";
import { ChartsView } from "./views/charts.js";
import { ConventionsView } from "./views/conventions.js";
import { ImportView } from "./views/imports.js";
import { JurorsView } from "./views/jurors.js";
import { loginPage } from "./views/login.js";
import { PiagamView } from "./views/piagam.js";
import { ProgressView } from "./views/progress.js";
import { RankingView } from "./views/ranking.js";

const POLL_MS = 10000;
const $ = (id) => document.getElementById(id);
const main = $("main");

export const SCREENS = [
  { path: "kemajuan", label: "Kemajuan", View: ProgressView },
  { path: "peringkat", label: "Peringkat", View: RankingView },
  { path: "grafik", label: "Grafik", View: ChartsView },
  { path: "impor", label: "Impor", View: ImportView },
  { path: "juri", label: "Juri", View: JurorsView },
  { path: "tindakan", label: "Tindakan", View: ActionsView },
  { path: "piagam", label: "Piagam", View: PiagamView },
  { path: "audit", label: "Audit", View: AuditView },
];

let view = null;
let routeSerial = 0;
let timer = null;
let lastRefresh = null;
let refreshing = false;
let flashTimer = null;

export function flash(text) {
  replace($("flash"), text);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => replace($("flash")), 6000);
}

function renderBar() {
  const signedIn = Boolean(ctx.session);
  $("bar-actions").hidden = !signedIn;
  const c = ctx.convention;
  $("switch-link").hidden = !ctx.cid;
  // Accounts are an admin's: a secretariat (its /me says so at sign-in) never sees the link.
  $("accounts-link").hidden = !(signedIn && ctx.session.role === "admin");
  $("bar-convention").hidden = !(signedIn && c && ctx.cid);
  if (c && ctx.cid) {
    replace($("convention-name"), `${c.name}`);
    const status = $("convention-status");
    status.className = `badge status-${c.status}`;
    replace(status, STATUS[c.status] || c.status);
  }
  renderLive();
}

function renderLive() {
  const live = $("live");
  if (!view || !view.live) {
    replace(live);
    return;
  }
  if (document.hidden) replace(live, "Pembaruan dijeda");
  else if (refreshing && !lastRefresh) replace(live, "Memuat…");
  else if (lastRefresh) {
    replace(live, h("span", { class: "dot", "aria-hidden": "true" }), `Diperbarui ${clock(lastRefresh)}`);
  }
}

function renderTabs(cid, current) {
  const nav = $("tabs");
  nav.hidden = false;
  replace(
    nav,
    h(
      "ul",
      {},
      SCREENS.map((screen) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: `#/k/${cid}/${screen.path}`, "aria-current": screen.path === current ? "page" : null },
            screen.label,
          ),
        ),
      ),
    ),
  );
}

async function tick({ force = false } = {}) {
  if (!view || !view.live || refreshing) return;
  if (document.hidden && !force) {
    renderLive();
    return;
  }
  refreshing = true;
  const current = view;
  try {
    await refreshConvention();
    if (current === view) await view.refresh();
    lastRefresh = new Date();
  } catch (error) {
    if (!(error instanceof api.AuthError) && current === view) {
      replace($("live"), "Gagal memperbarui; dicoba lagi");
      refreshing = false;
      return;
    }
  } finally {
    refreshing = false;
  }
  renderBar();
}

function signedOut(message) {
  session.logout();
  ctx.session = null;
  forget();
  view = null;
  $("tabs").hidden = true;
  renderBar();
  loginPage(main, {
    message,
    onDone: (made) => {
      ctx.session = made;
      api.useToken(made.token);
      route();
    },
  });
}

async function route() {
  const serial = ++routeSerial;
  replace($("flash"));
  if (!ctx.session) {
    if (!document.getElementById("login-form")) signedOut();
    return;
  }
  const match = location.hash.match(/^#\/k\/(\d+)(?:\/([a-z]+))?/);
  lastRefresh = null;
  if (!match) {
    forget();
    $("tabs").hidden = true;
    const accounts = location.hash === "#/akun";
    $("accounts-link").setAttribute("aria-current", accounts ? "page" : "false");
    view = accounts ? new AccountsView(main) : new ConventionsView(main);
    renderBar();
    main.setAttribute("aria-busy", "true");
    await view.mount();
    main.setAttribute("aria-busy", "false");
    main.focus({ preventScroll: true });
    return;
  }
  $("accounts-link").setAttribute("aria-current", "false");
  const cid = Number(match[1]);
  const screen = SCREENS.find((x) => x.path === match[2]) || SCREENS[0];
  renderTabs(cid, screen.path);
  try {
    await open(cid);
  } catch (error) {
    if (error instanceof api.AuthError) return;
    replace(main, h("section", { class: "card" }, h("h1", {}, "Konvensi tidak dapat dibuka"), h("p", {}, error.message), h("p", {}, h("a", { href: "#/" }, "Kembali ke daftar konvensi"))));
    return;
  }
  if (serial !== routeSerial) return;
  document.title = `${screen.label} · ${ctx.convention.name} · Dasbor Sekretariat`;
  view = new screen.View(main, { flash, refreshAll: () => tick({ force: true }) });
  refreshing = true;
  renderBar();
  // Busy until the screen has its data (screen readers wait; tests and screenshots too).
  main.setAttribute("aria-busy", "true");
  try {
    await view.mount();
    lastRefresh = new Date();
  } catch (error) {
    if (!(error instanceof api.AuthError)) throw error;
  } finally {
    refreshing = false;
    if (serial === routeSerial) main.setAttribute("aria-busy", "false");
  }
  renderBar();
  if (serial === routeSerial) main.focus({ preventScroll: true });
}

function boot() {
  onConvention(renderBar);
  api.whenAuthLost(() => {
    if (ctx.session) signedOut("Sesi Anda berakhir. Masuk lagi untuk melanjutkan.");
  });
  const saved = session.saved();
  if (saved) {
    ctx.session = saved;
    api.useToken(saved.token);
  }
  $("logout-button").addEventListener("click", () => {
    location.hash = "#/";
    signedOut("Anda sudah keluar.");
  });
  window.addEventListener("hashchange", route);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) tick();
    else renderLive();
  });
  timer = setInterval(tick, POLL_MS);
  route();
}

boot();
export const _timer = () => timer;
