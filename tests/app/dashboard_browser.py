"""Driving the secretariat's dashboard (``/sekretariat/``) in Debian's Chromium through
Playwright: a page object that speaks the dashboard's accessible names, and the layout
checks of the juror app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.browser import AppPage

LAPTOP = {"width": 1440, "height": 900}
TABLET = {"width": 1024, "height": 768}


class Dashboard(AppPage):
    """One laptop at the secretariat's desk: a browser context and its page. A refused request
    is logged by the browser ("Failed to load resource: 409"): the dashboard shows it."""

    def __init__(self, browser: Any, base_url: str, viewport: dict[str, int] = LAPTOP):
        super().__init__(browser, base_url, viewport, accept_downloads=True, device_scale_factor=1)

    # --- screens -----------------------------------------------------------------------------

    def open(self, hash_: str = "") -> Any:
        return self.page.goto(f"{self.base_url}/sekretariat/{hash_}")

    def login(self, username: str, password: str) -> None:
        self.page.get_by_label("Nama pengguna").fill(username)
        self.page.get_by_label("Kata sandi").fill(password)
        self.page.get_by_role("button", name="Masuk").click()

    def pick(self, name: str) -> None:
        self.page.get_by_role("link", name=name).click()
        self.page.get_by_role("heading", name="Kemajuan penilaian", level=1).wait_for()
        self.wait_idle()

    def tab(self, label: str, heading: str | None = None) -> None:
        self.page.get_by_role("navigation", name="Layar dasbor").get_by_role(
            "link", name=label, exact=True
        ).click()
        self.page.get_by_role("heading", name=heading or label, level=1).wait_for()
        self.wait_idle()

    def wait_idle(self) -> None:
        """The screen has its data (``main`` is no longer ``aria-busy``)."""
        self.page.wait_for_function("() => document.getElementById('main').ariaBusy === 'false'")

    def press(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def note(self, section: str) -> Any:
        return self.page.locator(f"#note-{section}")

    def download(self, name: str, into: Path) -> Path:
        with self.page.expect_download() as info:
            self.press(name)
        filename: str = info.value.suggested_filename
        target = into / filename
        info.value.save_as(str(target))
        return target

    # --- checks ------------------------------------------------------------------------------

    def layout_problems(self) -> list[str]:
        """Sideways scrolling of the page, and visible controls smaller than 44 px (links in
        running text and table cells excepted, as WCAG 2.5.8 allows)."""
        problems: list[str] = self.page.evaluate(
            """() => {
              const out = [];
              const width = document.documentElement.clientWidth;
              if (document.documentElement.scrollWidth > width) {
                out.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
              }
              const targets = 'button, input, select, textarea, nav a';
              for (const el of document.querySelectorAll(targets)) {
                const r = el.getBoundingClientRect();
                if (!r.width || !r.height || el.classList.contains('skip')) continue;
                if (el.type === 'checkbox') continue;  // its label is the target
                if (el.closest('details:not([open])')) continue;
                if (r.height < 44 || r.width < 44) {
                  out.push(`${el.tagName} "${(el.textContent || el.id).trim().slice(0, 30)}" `
                           + `is ${Math.round(r.width)}x${Math.round(r.height)}`);
                }
              }
              return out;
            }"""
        )
        return problems

    def shoot(self, path: Path, *, full_page: bool = False) -> None:
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.mouse.move(0, 0)
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        self.page.screenshot(path=str(path), full_page=full_page)
