"""A real browser on the review page: Playwright driving Debian's chromium headless.

Open a document, correct a flagged value with the keyboard, see the flag clear and the
audit entry appear, answer another flag with a shortcut, export and find the
correction; a document full of HTML renders inert. Saves docs/review.png for the README.

Needs `/usr/bin/chromium` (apt-get install chromium fonts-noto-cjk) and the playwright
package; `playwright install` is not used (it downloads browsers).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from openpyxl import load_workbook

from extractor.review import ReviewStore
from extractor.review.web.app import create_app
from tests.review.fixtures import (
    DOC_ID,
    RATE_ACTUAL,
    SCRIPT_DOC_ID,
    WRONG_SCORE,
    build,
    build_script_doc,
)

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Locator, Page

CHROMIUM = os.environ.get("REVIEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "review.png"

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not shutil.which(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError(
            f"{CHROMIUM} missing: .ci/run must apt-get install chromium fonts-noto-cjk"
        )
    pytest.skip(
        f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)",
        allow_module_level=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    store = ReviewStore.open(tmp_path / "review.db")
    for result, pages in (build(), build_script_doc()):
        store.import_result(result, pages)
    port = _free_port()
    config = uvicorn.Config(
        create_app(store, reviewer=""), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)
    store.close()


def _cell(page: Page, path: str) -> Locator:
    return page.locator(f'#forms [data-project="p1"][data-path="{path}"]').first


def _flag(page: Page, path: str) -> Locator:
    return page.locator(f'#flags .flag[data-project="p1"][data-path="{path}"]').first


def test_review_in_a_real_browser(server: str) -> None:
    expect = sync_api.expect
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(
                viewport={"width": 1500, "height": 950}, accept_downloads=True
            )
            page = context.new_page()

            def on_dialog(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            page.on("pageerror", lambda e: errors.append(str(e)))

            page.goto(server + "/")
            expect(page.locator("h1")).to_have_text("文档列表")
            page.get_by_role("link", name=DOC_ID).click()
            expect(page.locator("#doc-title")).to_have_text(DOC_ID)

            # The flagged cell is drawn in the form, highlighted as an error.
            cell = _cell(page, WRONG_SCORE)
            expect(cell).to_have_text("18")
            expect(cell).to_have_class(lambda_class("sev-error"))
            page.locator("#reviewer").fill("张三")
            page.locator("#reviewer").dispatch_event("change")

            # Clicking it shows the rule, expected vs found, and the source span.
            cell.click()
            expect(page.locator("#f-label")).to_contain_text("群众出行便利")
            expect(page.locator("#f-flags")).to_contain_text("高于分值")
            expect(page.locator("#f-flags")).to_contain_text("应为")
            expect(page.locator("#f-source mark")).to_contain_text("群众出行便利")
            expect(page.locator("#f-source mark b")).to_have_text("18")

            # Correct it from the keyboard: E focuses the input, Enter saves.
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("e")
            expect(page.locator("#f-input")).to_be_focused()
            page.locator("#f-input").fill("15")
            page.keyboard.press("Enter")
            expect(page.locator("#f-message")).to_contain_text("已修改")

            # The flag clears, the cell shows the correction, the audit entry appears.
            expect(_flag(page, WRONG_SCORE)).to_have_attribute("data-status", "cleared")
            expect(_flag(page, "total.score")).to_have_attribute("data-status", "cleared")
            expect(_cell(page, WRONG_SCORE)).to_have_text("15")
            expect(_cell(page, WRONG_SCORE)).not_to_have_class(lambda_class("sev-error"))
            entry = page.locator("#audit .audit-entry").first
            expect(entry).to_contain_text("张三")
            expect(entry).to_contain_text("修改")
            expect(entry).to_contain_text("18 → 15")
            expect(page.locator("#f-history")).to_contain_text("18 → 15")

            # Esc leaves the input, N goes to the next open flag, C confirms it.
            page.keyboard.press("Escape")
            page.keyboard.press("n")
            expect(page.locator("#f-label")).to_contain_text("沿线群众满意度")
            expect(_flag(page, RATE_ACTUAL)).to_have_class(lambda_class("selected"))
            page.keyboard.press("c")
            expect(_flag(page, RATE_ACTUAL)).to_have_attribute("data-status", "confirmed")
            expect(page.locator("#audit .audit-entry").first).to_contain_text("确认")

            # Back on the corrected cell: its status, the cleared flag and its history.
            _cell(page, WRONG_SCORE).click()
            expect(page.locator("#f-status")).to_have_text("已修改")
            expect(page.locator("#f-extracted")).to_have_text("18")
            expect(page.locator("#f-flags")).to_contain_text("已消除")
            page.wait_for_timeout(300)
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))

            # Export from the documents page and find the correction.
            page.goto(server + "/")
            with page.expect_download() as info:
                page.get_by_role("link", name="Excel").click()
            book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
            sheet = book["指标"]
            header = [c.value for c in sheet[1]]
            rows = [
                dict(zip(header, r, strict=True))
                for r in sheet.iter_rows(min_row=2, values_only=True)
            ]
            corrected = next(
                r for r in rows if r["文档"] == DOC_ID and r["三级指标"] == "群众出行便利"
            )
            assert corrected["得分"] == 15
            assert corrected["审核状态"] == "得分：已修改（18→15）"

            # A document full of HTML renders as text and runs nothing.
            page.goto(server + f"/documents/{SCRIPT_DOC_ID}")
            header_cell = page.locator('#forms [data-path="name"]').first
            expect(header_cell).to_contain_text("<script>alert('xss')</script>")
            page.locator('#forms [data-path="indicators[5].name"]').first.click()
            expect(page.locator("#f-source")).to_contain_text("<script>alert('xss')</script>")
            page.wait_for_timeout(300)
        finally:
            browser.close()
    assert dialogs == [], f"a script in the document ran: {dialogs}"
    assert errors == [], errors


def lambda_class(name: str) -> object:
    """A regex matching a class list that contains `name`."""
    import re

    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")
