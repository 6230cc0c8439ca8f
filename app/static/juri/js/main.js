// The juror app: start-up, the bar with the sync status, and the two screens (the list of
// entries and a score sheet) chosen by the address's hash.

import { ask, h, replace, saveBlob } from "/static/common/dom.js";
import { watch } from "./connection.js";
import * as queue from "./queue.js";
import { logout } from "./session.js";
import { changed, load, state, subscribe, waiting } from "./state.js";
import { networkBack, onLoginNeeded, syncNow } from "./sync.js";
import { timeText } from "./text.js";
import { ListView } from "./views/list.js";
import { loginPage, reloginDialog } from "./views/login.js";
import { SheetView } from "./views/sheet.js";

const $ = (id) => document.getElementById(id);
const main = $("main");
let view = null;
let lastEntry = null;
let flashTimer = null;
let flashedAt = 0;

function flash(text) {
  replace($("flash"), text);
  flashedAt = Date.now();
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => replace($("flash")), 5000);
}

function route() {
  // A message belongs to the screen it was said on, unless it announces this one.
  if (Date.now() - flashedAt > 1000) replace($("flash"));
  if (!state.session) {
    view = null;
    loginPage(main, () => {
      location.hash = "#/";
      route();
    });
    renderBar();
    return;
  }
  const match = location.hash.match(/^#\/nilai\/(\d+)$/);
  if (match) {
    lastEntry = Number(match[1]);
    view = new SheetView(main, lastEntry, {
      done: () => {
        location.hash = "#/";
      },
      flash,
    });
  } else {
    view = new ListView(main);
  }
  view.mount();
  renderBar();
  window.scrollTo(0, 0);
  const back = !match && lastEntry && main.querySelector(`a[data-entry-id="${lastEntry}"]`);
  if (back) {
    back.scrollIntoView({ block: "center" });
    back.focus({ preventScroll: true });
  } else {
    main.focus({ preventScroll: true });
  }
}

let shownStatus = null;

function renderBar() {
  const session = state.session;
  $("sync-area").hidden = !session;
  $("bar-actions").hidden = !session;
  if (!session) return;
  const n = waiting();
  // The one role="status" region: its words are part of the contract.
  let status = n ? `${n} menunggu` : "Semua tersimpan di server";
  if (!state.online) status += " · tablet luring";
  else if (session.needs_login) status += " · sesi berakhir";
  if (status !== shownStatus) {
    shownStatus = status;
    const box = $("status");
    box.className = `status ${n ? "waiting" : "clear"}`;
    replace(box, h("span", { class: "dot", "aria-hidden": "true" }), status);
  }
  const detail = [];
  if (state.syncing) detail.push("Mengirim dan mengambil data…");
  else if (state.trouble) detail.push(state.trouble);
  if (!state.syncing && state.nextTry && !session.needs_login) {
    detail.push(`dicoba lagi ${timeText(state.nextTry)}`);
  }
  if (state.lastSync) detail.push(`terakhir tersambung ${timeText(state.lastSync)}`);
  replace($("sync-detail"), detail.join(" · "));
  $("sync-button").setAttribute("aria-busy", state.syncing ? "true" : "false");
  $("relogin-button").hidden = !session.needs_login;
  $("export-button").hidden = n === 0 && state.refused.size === 0;
}

function exportQueue() {
  const doc = queue.exportDocument();
  const stamp = doc.exported_at.slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  const file = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: "application/json" });
  saveBlob(file, `antrean-juri-${doc.juror.username || "juri"}-${stamp}.json`);
  flash(`Antrean diekspor: ${doc.sheets.length} lembar.`);
}

async function onLogout() {
  const n = waiting() + state.refused.size;
  const answer = await ask({
    title: "Keluar dari aplikasi?",
    labelId: "logout-title",
    body: n
      ? h(
          "p",
          { class: "warning" },
          `${n} lembar belum tersimpan di server. Jika Anda keluar sekarang, lembar itu terhapus dari tablet ini. ` +
            "Sambungkan tablet dan tekan Sinkronkan, atau ekspor antrean sebagai berkas lebih dulu.",
        )
      : h("p", {}, "Semua lembar sudah tersimpan di server. Data penilaian di tablet ini akan dihapus."),
    buttons: n
      ? [
          { label: "Batal", value: null },
          { label: "Ekspor antrean", value: "export" },
          { label: "Keluar dan hapus", value: "out", class: "danger" },
        ]
      : [
          { label: "Batal", value: null },
          { label: "Keluar", value: "out", class: "primary" },
        ],
  });
  if (answer === "export") exportQueue();
  if (answer !== "out") return;
  await logout();
  location.hash = "#/";
  route();
}

// login() has already sent the queue and fetched the data.
const afterRelogin = () => changed();

async function boot() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/juri/sw.js", { scope: "/juri/" }).catch((error) => {
      console.warn("service worker not registered", error);
    });
  }
  await load();
  subscribe(() => {
    renderBar();
    if (view) view.update();
  });
  onLoginNeeded(() => reloginDialog(afterRelogin));
  watch({
    onChance: () => {
      state.online = navigator.onLine !== false;
      changed();
      networkBack();
    },
    onOffline: () => {
      state.online = false;
      changed();
    },
  });
  $("sync-button").addEventListener("click", () => {
    if (state.session && state.session.needs_login) reloginDialog(afterRelogin);
    else syncNow({ pull: true });
  });
  $("relogin-button").addEventListener("click", () => reloginDialog(afterRelogin));
  $("export-button").addEventListener("click", exportQueue);
  $("logout-button").addEventListener("click", onLogout);
  window.addEventListener("hashchange", route);
  route();
  if (state.session && state.session.needs_login) reloginDialog(afterRelogin);
  else if (state.session) syncNow({ pull: true });
}

boot();
