"""A real browser on the review pages: Playwright driving Debian's chromium headless.

- the documents list (title, department, year, forms) and the dashboard's charts, down
  to a document and its Excel export;
- the page image of a PDF input beside the form, the record's box on it, zoom and the
  large view; a text input keeps the text view;
- the keyboard after each decision: focus leaves the boxes, a shortcut never acts on a
  flag the reviewer has not had in view, the reviewer's name is asked for;
- a conflicted save keeps what the second reviewer typed;
- a document full of HTML renders inert.

Screenshots go to the test's temporary folder (`docs/screenshots.py` refreshes the ones
in docs/). Needs `/usr/bin/chromium` (apt-get install chromium fonts-noto-cjk) and the
playwright package; `playwright install` is not used (it downloads browsers).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from openpyxl import load_workbook

from extractor.models import DocumentResult
from extractor.review import ReviewStore
from extractor.review.web.app import create_app
from tests.review.fixtures import (
    DOC_ID,
    RATE_ACTUAL,
    REASON_SCORE,
    SCRIPT_DOC_ID,
    WRONG_RATE,
    WRONG_SCORE,
    build,
    build_pdf,
    build_script_doc,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Locator, Page

CHROMIUM = os.environ.get("REVIEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PDF_DOC = "demo_pdf"
NARRATIVE_DOC = "doc_narrative"

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
expect = sync_api.expect


def has_class(name: str) -> re.Pattern[str]:
    """A regex matching a class list that contains `name`."""
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def pdf_result(tmp_path_factory: pytest.TempPathFactory) -> DocumentResult:
    """The demo form as a PDF, read by the pipeline once for the module."""
    return build_pdf(tmp_path_factory.mktemp("reports"), PDF_DOC)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture()
def store(tmp_path: Path, pdf_result: DocumentResult) -> Iterator[ReviewStore]:
    store = ReviewStore.open(tmp_path / "review.db")
    run = store.start_run("测试批次")
    for result, pages in (build(), build_script_doc(), build(NARRATIVE_DOC, extra=WRONG_RATE)):
        store.import_result(result, pages, run=run)
    store.import_result(pdf_result, run=run)  # finds the PDF it was read from
    yield store
    store.close()


@pytest.fixture()
def server(store: ReviewStore, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    app = create_app(store, page_cache=tmp_path / "pages")
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab at 1366×900; fails the test if a dialog opens or a script errs."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert dialogs == [], f"a script in the document ran: {dialogs}"
    assert errors == [], errors


def _cell(page: Page, path: str) -> Locator:
    return page.locator(f'#forms [data-project="p1"][data-path="{path}"]').first


def _flag(page: Page, path: str, project: str = "p1") -> Locator:
    return page.locator(f'#flags .flag[data-project="{project}"][data-path="{path}"]').first


def _settled(page: Page) -> None:
    """Wait until the panel has been in view long enough for shortcuts to act."""
    expect(page.locator("#panel-body")).not_to_have_class(has_class("settling"))


def _audit_count(page: Page) -> int:
    return page.locator("#audit .audit-entry").count()


def _name_the_reviewer(page: Page, name: str) -> None:
    page.locator("#reviewer").fill(name)
    page.locator("#reviewer").dispatch_event("change")
    page.keyboard.press("Escape")


def test_documents_list_dashboard_and_export(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("文档列表")
    row = page.locator(f'tr.doc-row[data-doc="{DOC_ID}"]')
    expect(row.locator(".doc-link")).to_have_text("项目支出绩效自评表")
    expect(row.locator(".doc-dept")).to_have_text("某县交通运输局")
    expect(row.locator(".doc-id")).to_contain_text(DOC_ID)
    expect(row.locator("td.num").first).to_have_text("2023")
    expect(row.locator(".form-chip")).to_have_text("项目支出绩效自评表 ×1")
    page.screenshot(path=str(tmp_path / "documents.png"))

    page.locator("a.nav", has_text="总览").click()
    expect(page.locator("h1")).to_have_text("审核总览")
    for chart in ("execution", "scores", "rules", "progress"):
        expect(page.locator(f"#chart-{chart} svg.chart").first).to_be_visible()
    expect(page.locator("#chart-execution rect.bar")).to_have_count(8)
    bar = page.locator("#chart-execution rect.bar").nth(3)  # 80–90%: every demo form
    expect(bar.locator("title")).to_have_text("80–90%：4")
    expect(page.locator("#kpis")).to_contain_text("4文档")
    # The run picker narrows to one run; the documents with most open errors link on.
    run = page.locator("#run option", has_text="测试批次").get_attribute("value")
    page.locator("#run").select_option(value=run)
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#dash-scope")).to_contain_text("测试批次")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("导出 Excel")).click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames[0] == "汇总"
    page.locator("#chart-worst svg a").first.click()
    expect(page.locator("#doc-root")).to_be_visible()

    # A document full of HTML renders as text and runs nothing.
    page.goto(server + f"/documents/{SCRIPT_DOC_ID}")
    header_cell = page.locator('#forms [data-path="name"]').first
    expect(header_cell).to_contain_text("<script>alert('xss')</script>")
    page.locator('#forms [data-path="indicators[5].name"]').first.click()
    expect(page.locator("#f-source")).to_contain_text("<script>alert('xss')</script>")


def _box_fraction(page: Page) -> dict[str, float]:
    """Where the drawn box sits on the displayed image, as fractions of its size."""
    result: dict[str, float] = page.evaluate(
        """() => {
            const img = document.getElementById('f-image').getBoundingClientRect();
            const box = document.getElementById('f-box').getBoundingClientRect();
            return {x0: (box.left - img.left) / img.width, y0: (box.top - img.top) / img.height,
                    x1: (box.right - img.left) / img.width, y1: (box.bottom - img.top) / img.height,
                    width: img.width};
        }"""
    )
    return result


def test_page_image_with_the_record_box(
    server: str, page: Page, pdf_result: DocumentResult, tmp_path: Path
) -> None:
    row = pdf_result.projects[0].indicators[4]
    assert row.span is not None and row.span.bbox is not None
    x0, y0, x1, y1 = row.span.bbox
    width, height = 842.0, 595.0  # the A4-landscape page the fixture draws

    page.goto(server + f"/documents/{PDF_DOC}")
    _cell(page, WRONG_SCORE).click()
    expect(page.locator("#f-label")).to_contain_text("群众出行便利")
    expect(page.locator("#f-image-box")).to_be_visible()
    expect(page.locator("#f-image-page")).to_have_text("第 1 页")
    page.wait_for_function(
        "() => { const i = document.getElementById('f-image'); "
        "return i.complete && i.naturalWidth > 0; }"
    )
    expect(page.locator("#f-box")).to_be_visible()
    where = _box_fraction(page)
    assert where["x0"] == pytest.approx(x0 / width, abs=0.01)
    assert where["y0"] == pytest.approx(y0 / height, abs=0.01)
    assert where["x1"] == pytest.approx(x1 / width, abs=0.01)
    assert where["y1"] == pytest.approx(y1 / height, abs=0.01)
    expect(page.locator("#f-cell")).to_be_visible()  # the 得分 cell, inside the row
    cell = page.locator("#f-cell").bounding_box()
    box = page.locator("#f-box").bounding_box()
    assert cell is not None and box is not None
    assert box["x"] < cell["x"] and cell["x"] + cell["width"] <= box["x"] + box["width"] + 2
    expect(page.locator("#f-source mark b")).to_have_text("18")  # the text stays beside it
    page.locator("#panel").screenshot(path=str(tmp_path / "page-image-panel.png"))

    # Zoomed in, the box stays on its row and is scrolled into view.
    page.locator("#zoom-in").click()
    page.locator("#zoom-in").click()
    zoomed = _box_fraction(page)
    assert zoomed["width"] == pytest.approx(where["width"] * 2.25, rel=0.05)
    page.locator("#zoom-fit").click()  # back to the panel's width: the whole page
    assert _box_fraction(page)["width"] < where["width"]
    assert zoomed["x0"] == pytest.approx(where["x0"], abs=0.01)
    expect(page.locator("#f-box")).to_be_in_viewport()
    # The large view opens with V and closes with Esc.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("v")
    expect(page.locator("#f-image-box")).to_have_class(has_class("expanded"))
    page.screenshot(path=str(tmp_path / "page-image-large.png"))
    page.keyboard.press("Escape")
    expect(page.locator("#f-image-box")).not_to_have_class(has_class("expanded"))

    # A text input has no page image: the text view only.
    page.goto(server + f"/documents/{DOC_ID}")
    _cell(page, WRONG_SCORE).click()
    expect(page.locator("#f-label")).to_contain_text("群众出行便利")
    expect(page.locator("#f-image-box")).to_be_hidden()
    expect(page.locator("#f-source mark")).to_contain_text("群众出行便利")


def test_keyboard_flow_after_each_decision(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(server + f"/documents/{DOC_ID}")
    expect(page.locator("#f-label")).to_contain_text("桥梁检查")  # the first open flag
    _settled(page)

    # No name yet: the decision is refused and the name box asked for.
    expect(page.locator("#reviewer")).to_have_value("")
    page.keyboard.press("c")
    expect(page.locator("#f-message")).to_contain_text("审核人姓名")
    expect(page.locator("#reviewer")).to_be_focused()
    assert _audit_count(page) == 0 and "还没有审核记录" in page.locator("#audit").inner_text()
    _name_the_reviewer(page, "张三")

    # 修改 with E … Enter; focus leaves the box, so N moves on instead of typing "n".
    _cell(page, WRONG_SCORE).click()
    expect(page.locator("#f-label")).to_contain_text("群众出行便利")
    _settled(page)
    page.keyboard.press("e")
    expect(page.locator("#f-input")).to_be_focused()
    page.locator("#f-input").fill("15")
    page.keyboard.press("Enter")
    expect(page.locator("#f-message")).to_contain_text("已修改")
    expect(page.locator("#f-input")).not_to_be_focused()
    # The flags are re-checked just after the save; the page redraws them.
    expect(_flag(page, WRONG_SCORE)).to_have_attribute("data-status", "cleared")
    expect(_flag(page, "total.score")).to_have_attribute("data-status", "cleared")
    expect(page.locator("#f-flags li").first).to_contain_text("已消除")
    page.keyboard.press("n")
    expect(page.locator("#f-label")).to_contain_text("沿线群众满意度")
    expect(page.locator("#f-input")).not_to_have_value(re.compile("n"))
    expect(page.locator("#audit .audit-entry").first).to_contain_text("18 → 15")

    # 原文错误 with X, a note, Enter: the panel moves to the next open flag, focus leaves
    # the note, and a C pressed at once does not touch the flag that just came up.
    _settled(page)
    page.keyboard.press("x")
    expect(page.locator("#f-note")).to_be_focused()
    page.keyboard.type("原表即为102%")
    page.keyboard.press("Enter")
    page.keyboard.press("c")
    expect(_flag(page, RATE_ACTUAL)).to_have_attribute("data-status", "source_error")
    expect(page.locator("#f-label")).to_contain_text("桥梁检查")
    expect(page.locator("#f-note")).not_to_be_focused()
    expect(page.locator("#f-note")).to_have_value("")
    page.wait_for_timeout(700)
    expect(_flag(page, REASON_SCORE)).to_have_attribute("data-status", "open")
    expect(page.locator("#audit .audit-entry")).to_have_count(2)

    # Once in view, C confirms it; the Enter after it does nothing more.
    _settled(page)
    page.keyboard.press("c")
    page.keyboard.press("Enter")
    expect(_flag(page, REASON_SCORE)).to_have_attribute("data-status", "confirmed")
    expect(page.locator("#audit .audit-entry")).to_have_count(3)
    top = page.locator("#audit .audit-entry").first
    expect(top).to_contain_text("确认")
    expect(top.locator(".note")).to_have_count(0)
    expect(page.locator("#f-note")).not_to_be_focused()
    page.screenshot(path=str(tmp_path / "review.png"))

    # A document-level flag has no 修改 form.
    page.goto(server + f"/documents/{NARRATIVE_DOC}")
    page.locator('#flags .flag[data-project=""]').first.click()
    expect(page.locator("#f-label")).to_have_text("正文")
    expect(page.locator("#modify-form")).to_be_hidden()
    expect(page.locator("#act-confirm")).to_be_visible()


def test_a_conflicted_save_keeps_the_typed_value(
    server: str, page: Page, store: ReviewStore
) -> None:
    page.goto(server + f"/documents/{DOC_ID}")
    _name_the_reviewer(page, "李四")
    _cell(page, REASON_SCORE).click()
    expect(page.locator("#f-label")).to_contain_text("桥梁检查")
    _settled(page)
    page.keyboard.press("e")
    page.locator("#f-input").fill("10")
    # Another reviewer saves the same field first.
    store.decide(DOC_ID, "p1", REASON_SCORE, "modify", value="8", reviewer="王五", version=0)
    page.keyboard.press("Enter")
    message = page.locator("#f-message")
    expect(message).to_contain_text("王五")
    expect(message).to_contain_text("「10」仍在输入框中")
    expect(page.locator("#f-value")).to_have_text("8")
    expect(page.locator("#f-input")).to_have_value("10")
    # Saving again, now against the current version, works.
    page.locator("#f-input").focus()
    page.keyboard.press("Enter")
    expect(message).to_contain_text("已修改")
    expect(page.locator("#f-value")).to_have_text("10")
    rows: list[Any] = [(r.reviewer, r.new_value) for r in store.audit(DOC_ID)]
    assert rows == [("王五", 8), ("李四", 10)]
