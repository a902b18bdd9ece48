"""Refresh the review screenshots in docs/ (the tests write theirs to a temp folder).

    PYTHONPATH=$PWD python3 docs/screenshots.py            # writes docs/review*.png

The store holds the five seed reports (golden/docs, text inputs) as one run, and two
of them drawn as ruled-table PDFs (tests/fixtures/make_pdfs.py, the same drawing the PDF
tests use) as a second run, all read by the real pipeline; a few decisions are made so
the progress shows. Chromium (Playwright, /usr/bin/chromium) then opens:

- review-documents.png   the documents list (1366 wide)
- review-dashboard.png   the dashboard of the whole store (1366 wide, full page)
- review.png             a PDF document's page: the form, the flag, the page image with
                         the record's box beside the source text (1920 wide)
- review-page-image.png  the page image's large view (1920 wide)
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.pipeline import extract_document  # noqa: E402
from extractor.review import ReviewStore  # noqa: E402
from extractor.review.web.app import create_app  # noqa: E402
from tests.fixtures.make_pdfs import write_text_forms_pdf  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PDF_SEEDS = ("000", "002")


def build_store(folder: Path) -> tuple[ReviewStore, str]:
    store = ReviewStore.open(folder / "review.db")
    seeds = sorted((ROOT / "golden" / "docs").glob("*.txt"))
    run = store.start_run("种子报告（文本）")
    for source in seeds:
        store.import_result(extract_document(source), run=run)
    run = store.start_run("种子报告（PDF 版）")
    pdf_id = ""
    for source in seeds:
        if source.name[:3] in PDF_SEEDS:
            pdf = write_text_forms_pdf(source, folder / f"{source.stem}_pdf.pdf")
            result = extract_document(pdf)
            store.import_result(result, run=run)
            pdf_id = pdf_id or result.doc_id
    _decide_some(store)
    return store, pdf_id


def _decide_some(store: ReviewStore) -> None:
    """Answer a few flags of each document, as a reviewer part-way through would, and
    correct one score that exceeds its weight."""
    for view in store.views():
        above = [f for f in view.flags if f.is_open and f.rule == "indicator.score_above_weight"]
        if above:
            flag = above[0]
            weight = view.current_value(flag.project, flag.target.replace(".score", ".weight"))
            store.decide(
                view.doc_id,
                flag.project,
                flag.target,
                "modify",
                value=str(weight),
                note="抄录时多写了分数",
                reviewer="王五",
                version=view.state(flag.project, flag.target).version,
            )
            break
    for number, view in enumerate(store.views()):
        open_flags = [f for f in view.flags if f.is_open and f.project]
        for flag in open_flags[: 1 + number % 3]:
            note = "原表如此" if flag.severity == "warning" else ""
            action = "source_error" if note else "confirm"
            state = view.state(flag.project, flag.target)
            store.decide(
                view.doc_id,
                flag.project,
                flag.target,
                action,
                note=note,
                reviewer=("张三", "李四")[number % 2],
                version=state.version,
            )
            view = store.document_view(view.doc_id)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as temp:
        store, pdf_id = build_store(Path(temp))
        port = _free_port()
        app = create_app(store, page_cache=Path(temp) / "pages")
        server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            narrow = browser.new_page(viewport={"width": 1366, "height": 900})
            narrow.goto(base + "/")
            narrow.screenshot(path=str(out / "review-documents.png"), full_page=True)
            narrow.goto(base + "/dashboard")
            narrow.screenshot(path=str(out / "review-dashboard.png"), full_page=True)

            wide = browser.new_page(viewport={"width": 1920, "height": 1080})
            wide.goto(base + f"/documents/{pdf_id}")
            wide.locator("#reviewer").fill("张三")
            flagged = wide.locator("#forms td.sev-error").first
            flagged.click()
            wide.wait_for_function(
                "() => { const i = document.getElementById('f-image'); "
                "return !document.getElementById('f-image-box').hidden && i.complete "
                "&& i.naturalWidth > 0; }"
            )
            wide.locator("#zoom-in").click()
            wide.wait_for_timeout(400)
            wide.screenshot(path=str(out / "review.png"))
            wide.locator("#zoom-big").click()
            expect(wide.locator("#f-image-box.expanded")).to_be_visible()
            wide.wait_for_timeout(400)
            wide.screenshot(path=str(out / "review-page-image.png"))
            browser.close()
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
    for name in ("review-documents", "review-dashboard", "review", "review-page-image"):
        print(out / f"{name}.png")


if __name__ == "__main__":
    main()
