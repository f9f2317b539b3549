"""The HTML report as a person uses it, in headless Chromium (Debian `chromium` driven by Playwright).

Opens the report from file://, clicks a story, hovers and clicks a citation, toggles the removed-junk view,
takes screenshots at desktop and phone widths (tests/artifacts/), and checks that the hostile article's
payloads never ran (window.__xss stays unset, no dialog, no network request, no console error).

Install what it needs with `scripts/install-browser` (apt chromium + chromium-driver, pip playwright; no
browser download). Point UNSPUN_CHROMIUM at another Chromium binary if needed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from unspun.report import write_html
from unspun.report.view import anchor

from test_report import EVIL, sample_result  # noqa: E402  (tests/ is on sys.path under pytest's rootdir import)

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("UNSPUN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
STORY = anchor("s", "st-pompeo-sochi")

if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(
        f"no Chromium at {CHROMIUM}: run scripts/install-browser (apt-get install chromium chromium-driver) "
        "or set UNSPUN_CHROMIUM",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="pip install playwright (the test extra) to run browser tests")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        # launch() gives every run a fresh temporary user-data-dir; headless=True adds --headless
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS, timeout=60_000)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    path = write_html(sample_result(), tmp_path_factory.mktemp("report") / "report.html")
    return path.resolve().as_uri()


class Watched:
    """A page with everything that would betray executed script recorded."""

    def __init__(self, browser, viewport: dict, url: str) -> None:
        self.url = url
        self.ctx = browser.new_context(viewport=viewport, device_scale_factor=1, java_script_enabled=True)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(15_000)
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, fragment: str = "") -> None:
        self.page.goto(self.url + fragment)

    def shot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def assert_clean(self) -> None:
        assert self.page.evaluate("typeof window.__xss") == "undefined", "an XSS payload executed"
        assert self.dialogs == []
        assert self.errors == [], self.errors  # a CSP violation (blocked script/style/img) logs an error
        foreign = [u for u in self.requests if not u.startswith(self.url.split("#")[0])]
        assert foreign == [], foreign

    def close(self) -> None:
        self.ctx.close()


@pytest.fixture
def desktop(browser, report_url):
    w = Watched(browser, DESKTOP, report_url)
    yield w
    w.close()


@pytest.fixture
def phone(browser, report_url):
    w = Watched(browser, PHONE, report_url)
    yield w
    w.close()


_IN_VIEWPORT_JS = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
                                 return r.bottom > 0 && r.top < window.innerHeight && r.height > 0; }"""


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate(_IN_VIEWPORT_JS, selector)


def _story_flow(w: Watched, prefix: str) -> None:
    page = w.page
    w.open()
    assert page.is_visible("#index")
    assert not page.is_visible(f"#{STORY}")
    w.shot(f"{prefix}-index.png")

    # click the story in the index
    page.click(f'#index a[href="#{STORY}"]')
    page.wait_for_function(f"location.hash === '#{STORY}'")
    assert page.is_visible(f"#{STORY}")
    assert not page.is_visible("#index"), "the index hides while a story is open"
    assert page.locator(f"#{STORY} h2").inner_text().startswith("It's time to restore")
    w.shot(f"{prefix}-story.png")

    # hover a citation: the cited sentence shows in context
    cite = page.locator(f"#{STORY}-sum-2 a.cite").first  # sentence 2, cited by article [1]
    tip = cite.locator(".tip")
    assert not tip.is_visible()
    cite.hover()
    assert tip.is_visible()
    assert "Washington previous year" in tip.locator("mark").inner_text()
    w.shot(f"{prefix}-citation-hover.png", full_page=False)

    # click it: jumps to the highlighted sentence inside the article, story stays open
    href = cite.get_attribute("href")
    cite.click()
    page.wait_for_function(f"location.hash === {href!r}")
    assert page.is_visible(f"#{STORY}")
    mark = page.locator(href)
    assert mark.evaluate("e => e.tagName") == "MARK"
    assert mark.inner_text().startswith("Washington previous year")
    # smooth scrolling takes as long as the distance needs: wait until the target is on screen (fails on timeout)
    page.wait_for_function(_IN_VIEWPORT_JS, arg=href, timeout=5000)
    assert _in_viewport(page, href)
    w.shot(f"{prefix}-citation-target.png", full_page=False)

    # back to the index via the story's link
    page.click(f"#{STORY} .crumbs a")
    page.wait_for_function("location.hash === '#index'")
    assert page.is_visible("#index") and not page.is_visible(f"#{STORY}")
    w.assert_clean()


def test_desktop_story_and_citation(desktop):
    _story_flow(desktop, "desktop")


def test_phone_story_and_citation(phone):
    _story_flow(phone, "phone")
    page = phone.page
    phone.open(f"#{STORY}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than a phone screen"


def test_removed_junk_on_demand(desktop):
    page = desktop.page
    art = f"{STORY}-a-a1"
    desktop.open(f"#{art}")
    removed = page.locator(f"#{art} p.removed").first
    assert not removed.is_visible()
    page.click(f"#{art} details.explain summary")
    assert removed.is_visible()
    assert "line-through" in removed.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "More news:" in removed.inner_text()
    page.locator(f"#{art}").screenshot(path=str(ARTIFACTS / "desktop-removed-junk.png"))
    desktop.assert_clean()


def test_hostile_article_does_not_execute(desktop, phone):
    for w, prefix in ((desktop, "desktop"), (phone, "phone")):
        page = w.page
        w.open()
        evil_story = page.locator("#index a.card", has_text="Breaking")
        evil_story.click()
        st = page.locator("section.story:target")
        assert "<script>window.__xss=1</script>" in st.locator("h2").inner_text()  # shown as text
        # interact with everything a payload could hang on
        for el in st.locator("h2, .meta, a.cite, td, q, .src-article h4, .src-article p").all():
            if el.is_visible():
                el.hover()
        for summ in st.locator("details summary").all():
            summ.click()
        body_text = st.inner_text()
        assert "</style><style>body{background:url(//evil.example/x.png)}</style>" in body_text
        assert page.evaluate("getComputedStyle(document.body).backgroundImage") == "none"
        hostile = "a[href^='javascript' i], [onerror], [onload], [onclick], [onmouseover], script, iframe, img"
        assert page.locator(hostile).count() == 0
        w.shot(f"{prefix}-hostile.png")
        w.assert_clean()


def test_payload_detector_works(browser):
    """Control: the same flag is set when script may run, so an unset flag above means something."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_content("<img src=x onerror='window.__xss=2'><script>window.__xss=1</script>")
    page.wait_for_function("window.__xss === 2")
    ctx.close()


def test_print_shows_every_story(desktop):
    page = desktop.page
    desktop.open()
    page.emulate_media(media="print")
    assert page.locator("section.story").count() == 2
    for i in range(2):
        assert page.locator("section.story").nth(i).is_visible()
    assert not page.locator(".cite .tip").first.is_visible()
    desktop.assert_clean()


def test_evil_id_anchor_is_safe():
    assert anchor("s", EVIL).startswith("s-x-img-src-x-onerror")
