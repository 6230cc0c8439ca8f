"""Driving the jurors' app (``/juri/``) in Debian's Chromium through Playwright: a page object
that speaks the app's accessible names (docs/api.md "Pages")."""

from __future__ import annotations

from typing import Any

from tests.support.browser import WAIT_MS, AppPage

TABLET = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
PHONE = {"width": 390, "height": 844}


_IDB_GET = """([store, key]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("konvensi-juri");
  open.onsuccess = () => {
    const get = open.result.transaction(store).objectStore(store).get(key);
    get.onsuccess = () => { open.result.close(); resolve(get.result); };
    get.onerror = () => reject(get.error);
  };
})"""
_IDB_COUNT = """(store) => new Promise((resolve, reject) => {
  const open = indexedDB.open("konvensi-juri");
  open.onsuccess = () => {
    const count = open.result.transaction(store).objectStore(store).count();
    count.onsuccess = () => { open.result.close(); resolve(count.result); };
    count.onerror = () => reject(count.error);
  };
})"""
_IDB_PUT = """([store, value, key]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("konvensi-juri");
  open.onsuccess = () => {
    const tx = open.result.transaction(store, "readwrite");
    if (key === null) tx.objectStore(store).put(value);
    else tx.objectStore(store).put(value, key);
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""


class Juri(AppPage):
    """One tablet: a browser context and its page, on the app of ``base_url``."""

    # A failed fetch while the server is down or the tablet offline is expected.
    EXPECTED = r"Failed to load resource|net::ERR_|Failed to fetch"

    def __init__(self, browser: Any, base_url: str, viewport: dict[str, int] = TABLET, **opts: Any):
        super().__init__(browser, base_url, viewport, **opts)

    # --- screens ---------------------------------------------------------------------------

    def open(self) -> Any:
        return self.page.goto(f"{self.base_url}/juri/")

    def login(self, username: str, password: str) -> None:
        self.page.get_by_label("Nama pengguna").fill(username)
        self.page.get_by_label("Kata sandi").fill(password)
        self.page.get_by_role("button", name="Masuk").click()
        self.wait_list()

    def wait_list(self) -> None:
        """The list, with the convention's data on the tablet."""
        from playwright.sync_api import expect

        expect(self.page.locator("#convention-name")).not_to_have_text("Memuat data konvensi…")

    def wait_offline_ready(self) -> None:
        """The service worker controls the page: a reload works with the network off."""
        self.page.wait_for_function(
            "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
        )

    def go_offline_logged_in(self, username: str, password: str) -> None:
        """Open the app, log in, wait until it works offline, and take the network away."""
        self.open()
        self.login(username, password)
        self.wait_offline_ready()
        self.context.set_offline(True)

    # --- what the app keeps in IndexedDB ---------------------------------------------------

    def stored(self, store: str, key: str) -> Any:
        return self.page.evaluate(_IDB_GET, [store, key])

    def stored_count(self, store: str) -> int:
        return int(self.page.evaluate(_IDB_COUNT, store))

    def store(self, store: str, value: Any, key: str | None = None) -> None:
        """Put ``value`` into ``store``, under ``key`` (None: the store's own key path)."""
        self.page.evaluate(_IDB_PUT, [store, value, key])

    # --- the list and an entry -------------------------------------------------------------

    def entry_link(self, title: str) -> Any:
        return self.page.get_by_role("link", name=title)

    def open_entry(self, title: str) -> None:
        self.entry_link(title).click()
        self.page.get_by_role("heading", name=title, level=1).wait_for()

    def back_to_list(self) -> None:
        self.page.get_by_role("link", name="Daftar inovasi").click()
        self.wait_list()

    def score(self, scores: dict[str, str], comment: str | None = None) -> None:
        for name, value in scores.items():
            self.page.get_by_role("textbox", name=name, exact=True).fill(value)
        if comment is not None:
            self.page.get_by_role("textbox", name="Catatan").fill(comment)

    def save_draft(self) -> None:
        self.page.get_by_role("button", name="Simpan draf").click()
        self.page.locator(".notices").get_by_text("Draf tersimpan di").wait_for()

    def submit(self) -> None:
        self.page.get_by_role("button", name="Kirim", exact=True).click()
        self.page.get_by_role("button", name="Ya, kirim").click()
        self.wait_list()

    def sync_button(self) -> None:
        self.page.get_by_role("button", name="Sinkronkan").click()

    def sync(self) -> None:
        """Press "Sinkronkan" and wait for the data it fetches (the last read is progress)."""
        with self.page.expect_response(lambda r: r.url.endswith("/jurors/me/progress")):
            self.page.get_by_role("button", name="Sinkronkan").click()

    # --- what it says ----------------------------------------------------------------------

    @property
    def status(self) -> Any:
        return self.page.get_by_role("status")

    def status_text(self) -> str:
        text: str = self.status.inner_text()
        return text

    def wait_status(self, text: str, timeout: float = WAIT_MS) -> None:
        from playwright.sync_api import expect

        expect(self.status).to_contain_text(text, timeout=timeout)

    def badge_of(self, title: str) -> str:
        text: str = self.entry_link(title).locator(".badge").inner_text()
        return text.split(":")[0].strip()

    def total_text(self) -> str:
        text: str = self.page.locator("#total").inner_text()
        return text

    def layout_problems(self) -> list[str]:
        """Sideways scrolling, and visible controls smaller than 44 px."""
        problems: list[str] = self.page.evaluate(
            """() => {
              const out = [];
              const width = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth > width) {
                out.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
              }
              for (const el of document.querySelectorAll(
                  'button, a[href], input, select, textarea')) {
                const r = el.getBoundingClientRect();
                if (!r.width || !r.height || el.classList.contains('skip')) continue;
                if (getComputedStyle(el).visibility === 'hidden') continue;
                if (r.height < 44 || r.width < 44) {
                  out.push(`${el.tagName} "${(el.textContent || el.id).trim().slice(0, 30)}" `
                           + `is ${Math.round(r.width)}x${Math.round(r.height)}`);
                }
                if (r.right > width + 1) out.push(`${el.tagName} ${el.id} sticks out`);
              }
              return out;
            }"""
        )
        return problems
