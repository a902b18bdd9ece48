"""The web API: every action and its audit row, undo, conflict, token, host check,
CSRF, escaping, and what the pages show."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from extractor.models import DocumentResult, Source
from extractor.review import ReviewStore
from extractor.review.web.app import create_app
from extractor.review.web.security import CSRF_COOKIE, TOKEN_COOKIE
from extractor.validate import validate_result
from tests.review.conftest import BASE, csrf_headers, decide, field
from tests.review.fixtures import (
    DOC_ID,
    IMG,
    RATE_ACTUAL,
    REASON_SCORE,
    SCRIPT,
    SCRIPT_DOC_ID,
    WRONG_SCORE,
    build,
)

TOKEN = "s3cret-token-for-tests-0123456789"


def _wait_validated(http: TestClient, decision: int, doc_id: str = DOC_ID) -> None:
    response = http.get(
        f"/api/documents/{doc_id}/validated", params={"after": decision, "wait": 20}
    )
    assert response.status_code == 200 and response.json() == {"validated": True}


def _audit(http: TestClient, doc_id: str = DOC_ID) -> list[dict[str, object]]:
    response = http.get(f"/api/documents/{doc_id}/audit")
    assert response.status_code == 200
    return response.json()


def test_documents_page_lists_forms_flags_and_progress(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "文档列表" in page.text and DOC_ID in page.text
    summary = next(d for d in client.get("/api/documents").json() if d["doc_id"] == DOC_ID)
    assert summary["forms"] == 1
    assert summary["open"] == {"error": 2, "warning": 2, "info": 0}
    assert summary["total"] == {"error": 2, "warning": 2, "info": 0}
    assert summary["percent"] == 0


def test_document_page_draws_the_form_with_flagged_cells(client: TestClient) -> None:
    page = client.get(f"/documents/{DOC_ID}").text
    for header in (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "项目资金（万元）",
    ):
        assert header in page
    cell = re.search(
        r'<td class="([^"]*)" data-project="p1" data-path="indicators\[4\]\.score"[^>]*>18<', page
    )
    assert cell and "sev-error" in cell.group(1)
    warning = re.search(
        r'<td class="([^"]*)" data-project="p1" data-path="indicators\[6\]\.actual"', page
    )
    assert warning and "sev-warning" in warning.group(1)
    assert "（50分）" in page  # the printed subtotal, in the 一级指标 cell


def test_field_detail_shows_source_span_rule_and_expected(client: TestClient) -> None:
    detail = field(client, WRONG_SCORE)
    assert detail["value"] == "18" and detail["kind"] == "number" and detail["version"] == 0
    flag = detail["flags"][0]
    assert flag["rule"] == "indicator.score_above_weight" and flag["severity"] == "error"
    assert (flag["expected"], flag["found"]) == ("15", "18")
    assert "高于分值" in flag["message"]
    source = detail["source"]
    assert source["mark"].startswith("\t效益指标(30分)\t社会效益指标\t群众出行便利")
    start, end = source["focus"]
    assert source["mark"][start:end] == "18"
    assert "项目支出绩效自评表" in source["before"]


def test_modify_writes_an_audit_row_and_clears_the_flag(client: TestClient) -> None:
    response = decide(client, path=WRONG_SCORE, action="modify", value="15", note="抄录错误")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"].startswith("已修改")
    assert body["field"]["value"] == "15" and body["field"]["status"] == "modified"
    # Answered once saved; the flags are re-checked just after, and the page can wait.
    assert body["revalidating"] is True
    _wait_validated(client, body["decision"]["id"])
    assert field(client, WRONG_SCORE)["flags"][0]["status"] == "cleared"
    row = _audit(client)[0]
    assert row["document"] == DOC_ID and row["project"] == "p1" and row["path"] == WRONG_SCORE
    assert (row["old_value"], row["new_value"], row["decision"]) == (18, 15, "modify")
    assert (row["note"], row["reviewer"], row["via"]) == ("抄录错误", "张三", "web")
    assert row["time"]
    page = client.get(f"/documents/{DOC_ID}").text
    assert "已消除" in page
    summary = next(d for d in client.get("/api/documents").json() if d["doc_id"] == DOC_ID)
    assert summary["open"]["error"] == 0  # total.score_sum cleared too


def test_confirm_and_source_error_write_audit_rows(client: TestClient) -> None:
    confirmed = decide(client, path=RATE_ACTUAL, action="confirm")
    assert confirmed.status_code == 200 and confirmed.json()["revalidating"] is False
    refused = decide(client, path=REASON_SCORE, action="source_error", note=" ")
    assert refused.status_code == 400 and "需要填写说明" in refused.json()["error"]
    done = decide(client, path=REASON_SCORE, action="source_error", note="原表漏填偏差原因")
    assert done.status_code == 200
    rows = _audit(client)
    assert [(r["decision"], r["path"]) for r in rows] == [
        ("source_error", REASON_SCORE),
        ("confirm", RATE_ACTUAL),
    ]
    assert rows[0]["old_value"] == rows[0]["new_value"] == 9
    assert rows[0]["note"] == "原表漏填偏差原因"
    assert field(client, RATE_ACTUAL)["flags"][0]["status"] == "confirmed"


def test_undo(client: TestClient) -> None:
    decide(client, path=WRONG_SCORE, action="modify", value="15")
    response = decide(client, path=WRONG_SCORE, action="undo", version=1)
    assert response.status_code == 200
    _wait_validated(client, response.json()["decision"]["id"])
    detail = field(client, WRONG_SCORE)
    assert detail["value"] == "18" and detail["status"] == "unreviewed"
    assert detail["flags"][0]["status"] == "open"
    assert [h["decision"] for h in detail["history"]] == ["undo", "modify"]
    assert detail["history"][1]["active"] is False
    row = _audit(client)[0]
    assert row["decision"] == "undo" and row["old_value"] == 15 and row["new_value"] == 18


def test_number_field_rejects_text(client: TestClient) -> None:
    response = decide(client, path=WRONG_SCORE, action="modify", value="十五分")
    assert response.status_code == 400
    assert "数字字段" in response.json()["error"]
    assert _audit(client) == []


def test_stale_save_is_refused_with_a_clear_conflict(client: TestClient) -> None:
    assert (
        decide(client, path=WRONG_SCORE, action="modify", value="15", reviewer="张三").status_code
        == 200
    )
    stale = decide(
        client, path=WRONG_SCORE, action="modify", value="16", reviewer="李四", version=0
    )
    assert stale.status_code == 409
    message = stale.json()["error"]
    assert (
        "保存冲突" in message and "张三" in message and "「15」" in message and "未生效" in message
    )
    assert field(client, WRONG_SCORE)["value"] == "15"


def test_bad_requests_get_chinese_errors(client: TestClient) -> None:
    response = client.post(
        f"/api/documents/{DOC_ID}/decisions",
        json={"path": WRONG_SCORE},
        headers=csrf_headers(client),
    )
    assert response.status_code == 400 and "请求格式错误" in response.json()["error"]
    assert decide(client, doc_id="nope", path=WRONG_SCORE, action="confirm").status_code == 404
    assert client.get("/documents/nope").status_code == 404


def test_csrf(client: TestClient) -> None:
    body = {
        "project": "p1",
        "path": WRONG_SCORE,
        "action": "confirm",
        "reviewer": "张三",
        "version": 0,
    }
    url = f"/api/documents/{DOC_ID}/decisions"
    missing = client.post(url, json=body)
    assert missing.status_code == 403 and "CSRF" in missing.json()["error"]
    wrong = client.post(url, json=body, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    cross = client.post(
        url, json=body, headers={**csrf_headers(client), "Origin": "http://evil.example"}
    )
    assert cross.status_code == 403 and "Origin" in cross.json()["error"]
    form = client.post(
        url,
        content="project=p1&path=x",
        headers={**csrf_headers(client), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 403
    same_origin = client.post(url, json=body, headers={**csrf_headers(client), "Origin": BASE})
    assert same_origin.status_code == 200
    assert len(_audit(client)) == 1


def test_csrf_cookie_is_strict_and_page_carries_the_token(client: TestClient) -> None:
    fresh = TestClient(client.app, base_url=BASE)
    response = fresh.get("/")
    cookie = response.headers["set-cookie"]
    assert (
        CSRF_COOKIE in cookie
        and "samesite=strict" in cookie.lower()
        and "httponly" in cookie.lower()
    )
    token = fresh.cookies.get(CSRF_COOKIE)
    assert f'<meta name="csrf-token" content="{token}">' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_foreign_host_names_are_refused_without_token(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "evil.example:8765"})
    assert response.status_code == 400
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_token_is_required_on_every_request(store: ReviewStore) -> None:
    app = create_app(store, token=TOKEN)
    http = TestClient(app, base_url="http://192.0.2.10:8765", follow_redirects=False)
    assert http.get("/").status_code == 401
    assert http.get("/api/documents").status_code == 401
    assert http.get("/static/review.css").status_code == 401
    assert http.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert http.get("/api/documents", headers={"X-Review-Token": TOKEN}).status_code == 200
    assert http.get("/", headers={"X-Review-Token": "wrong"}).status_code == 401
    # Opening the printed link stores the token in a cookie and drops it from the URL.
    first = http.get(f"/documents/{DOC_ID}?token={TOKEN}")
    assert first.status_code == 303 and first.headers["location"] == f"/documents/{DOC_ID}"
    assert TOKEN_COOKIE in first.headers["set-cookie"]
    assert http.get(f"/documents/{DOC_ID}").status_code == 200
    post = http.post(
        f"/api/documents/{DOC_ID}/decisions",
        json={
            "project": "p1",
            "path": RATE_ACTUAL,
            "action": "confirm",
            "reviewer": "张三",
            "version": 0,
        },
        headers=csrf_headers(http),
    )
    assert post.status_code == 200


def test_document_text_is_escaped(client: TestClient) -> None:
    page = client.get(f"/documents/{SCRIPT_DOC_ID}").text
    assert SCRIPT not in page and IMG not in page
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;养护项目" in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;长效机制" in page
    # The only script tag is the page's own.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/review.js" defer>']
    detail = field(client, "name", doc_id=SCRIPT_DOC_ID)
    assert detail["value"].startswith(SCRIPT)  # JSON carries the text; the page sets textContent
    listing = client.get("/").text
    assert "<script>alert" not in listing


def test_only_the_packaged_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/review.js").status_code == 200
    assert client.get("/static/review.css").headers["content-type"].startswith("text/css")
    for name in ("../app.py", "..%2Fapp.py", "app.py", "%2Fetc%2Fpasswd"):
        assert client.get(f"/static/{name}").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_downloads(client: TestClient, fmt: str) -> None:
    decide(client, path=WRONG_SCORE, action="modify", value="15")
    response = client.get(f"/export/{fmt}")
    assert response.status_code == 200
    assert f'filename="review-export.{fmt}"' in response.headers["content-disposition"]
    assert len(response.content) > 100
    assert client.get("/export/pdf").status_code == 404


# --- defects found in use ---------------------------------------------------------------


def test_score_decisions_are_range_checked(client: TestClient) -> None:
    negative = decide(client, path=WRONG_SCORE, action="modify", value="-5")
    assert negative.status_code == 400 and "不能为负数" in negative.json()["error"]
    absurd = decide(client, path=WRONG_SCORE, action="modify", value="1000000000000000")
    assert absurd.status_code == 400 and "数值过大" in absurd.json()["error"]
    assert "1e+15" not in absurd.json()["error"] and "000000000" not in absurd.json()["error"]
    # 16 for a 15-point indicator: possible on a real form, so it needs a note.
    above = decide(client, path=WRONG_SCORE, action="modify", value="16")
    assert above.status_code == 400
    assert "高于分值 15" in above.json()["error"] and "说明" in above.json()["error"]
    noted = decide(client, path=WRONG_SCORE, action="modify", value="16", note="原表即为16分")
    assert noted.status_code == 200
    assert [r["new_value"] for r in _audit(client)] == [16]


def test_big_bodies_are_refused_before_parsing_and_errors_do_not_echo(
    client: TestClient,
) -> None:
    url = f"/api/documents/{DOC_ID}/decisions"
    huge = b'{"path": "' + b"x" * (30 * 1024 * 1024) + b'"}'
    response = client.post(
        url, content=huge, headers={**csrf_headers(client), "Content-Type": "application/json"}
    )
    assert response.status_code == 413 and "过大" in response.json()["error"]
    assert len(response.content) < 300
    # Without a Content-Length (streamed), reading stops at the limit.
    chunks = (b"x" * 8192 for _ in range(64))
    streamed = client.post(
        url,
        content=chunks,
        headers={**csrf_headers(client), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    # A long value inside the limit: refused by field, not repeated back.
    long_value = "9" * 40_000
    refused = decide(client, path=WRONG_SCORE, action="modify", value=long_value)
    assert refused.status_code == 400 and "过长" in refused.json()["error"]
    assert len(refused.content) < 300
    wrong_text = decide(client, path=WRONG_SCORE, action="modify", value="十五分<b>")
    assert "十五分" not in wrong_text.json()["error"]
    assert _audit(client) == []


def test_malformed_json_gets_a_readable_error(client: TestClient) -> None:
    url = f"/api/documents/{DOC_ID}/decisions"
    headers = {**csrf_headers(client), "Content-Type": "application/json"}
    broken = client.post(url, content=b'{"path": "name", ', headers=headers)
    assert broken.status_code == 400
    assert broken.json()["error"] == "请求格式错误：请求内容不是有效的 JSON"
    not_object = client.post(url, content=b"1", headers=headers)
    assert not_object.json()["error"] == "请求格式错误：请求内容应为一个 JSON 对象"
    missing = client.post(url, json={"path": WRONG_SCORE}, headers=headers)
    assert "缺少「操作」" in missing.json()["error"] and "缺少「版本」" in missing.json()["error"]


def test_other_loopback_addresses_are_answered(client: TestClient) -> None:
    assert client.get("/", headers={"Host": "127.0.0.2:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "[::1]:8765"}).status_code == 200
    refused = client.get("/", headers={"Host": "evil.example:8765"})
    assert refused.status_code == 400 and "evil" not in refused.text


def test_reviewer_name_is_not_prefilled_unless_given(store: ReviewStore) -> None:
    page = TestClient(create_app(store), base_url=BASE).get("/").text
    assert '<meta name="reviewer-default" content="">' in page
    named = TestClient(create_app(store, reviewer="李四"), base_url=BASE).get("/").text
    assert '<meta name="reviewer-default" content="李四">' in named


def test_weight_sum_flag_labels_the_table_value(client: TestClient, store: ReviewStore) -> None:
    result, pages = build("doc_weights")
    result.projects[0].total.weight = 110  # the rows add up to 100
    result.flags = validate_result(result).flags
    store.import_result(result, pages)
    detail = field(client, "total.weight", doc_id="doc_weights")
    flag = next(f for f in detail["flags"] if f["rule"] == "total.weight_sum")
    assert flag["figures"] == [["表中为", "110"], ["计算得", "100"]]
    score = field(client, WRONG_SCORE)["flags"][0]
    assert score["figures"] == [["应为", "15"], ["表中为", "18"]]


def test_a_document_without_flags_shows_no_empty_progress(
    client: TestClient, store: ReviewStore
) -> None:
    empty = DocumentResult(doc_id="doc_clean", source=Source(path="clean.txt", sha256="0", pages=1))
    store.import_result(empty, ["干净的文档"])
    listing = client.get("/").text
    row = listing[listing.index('data-doc="doc_clean"') :]
    row = row[: row.index("</tr>")]
    assert "无问题" in row and "0 / 0" not in row and "<progress" not in row
    page = client.get("/documents/doc_clean").text
    assert "此文档没有发现问题" in page and "（100%）" not in page


def test_target_form_total_row_fits_its_columns(client: TestClient, store: ReviewStore) -> None:
    result, pages = build("doc_target")
    project = result.projects[0]
    project.form = "project_target"
    project.funding = []
    for indicator in project.indicators:
        indicator.actual = None
        indicator.score = None
        indicator.deviation_reason = None
    project.total.score = 90  # printed by some target forms; no 得分 column to hold it
    result.flags = validate_result(result).flags
    store.import_result(result, pages)
    page = client.get("/documents/doc_target").text
    table = page[page.index('<table class="sheet indicators">') :]
    table = table[: table.index("</table>")]
    columns = len(re.findall(r"<th class=\"col-", table))
    total = table[table.index('<tr class="total">') :]
    total = total[: total.index("</tr>")]
    cells = re.findall(r"<t[dh][ >]", total)
    assert len(cells) == columns
    assert 'data-path="total.score"' in total and "得分 90" in total


def test_documents_list_names_department_title_year_and_forms(client: TestClient) -> None:
    listing = client.get("/").text
    row = listing[listing.index(f'data-doc="{DOC_ID}"') :]
    row = row[: row.index("</tr>")]
    assert "项目支出绩效自评表" in row and "×1" in row  # the title line and the form count
    assert "某县交通运输局" in row and "101-" not in row  # the budget code is dropped
    assert ">2023<" in row
    assert DOC_ID in row  # still there, as the secondary line with the hash
    summary = next(d for d in client.get("/api/documents").json() if d["doc_id"] == DOC_ID)
    assert summary["facts"]["department"] == "某县交通运输局"
    assert summary["facts"]["year"] == 2023
    assert summary["facts"]["forms"] == [{"name": "项目支出绩效自评表", "count": 1}]


def test_dashboard_shows_charts_of_the_store(client: TestClient) -> None:
    saved = decide(client, path=WRONG_SCORE, action="modify", value="15")
    _wait_validated(client, saved.json()["decision"]["id"])
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.text
    for part in ("chart-execution", "chart-scores", "chart-rules", "chart-progress", "chart-worst"):
        assert f'id="{part}"' in html
    assert html.count("<svg") == 5 and "<script>alert" not in html
    figures = client.get("/api/dashboard").json()
    assert figures["documents"] == 2 and figures["forms"] == 2
    bins = {b["label"]: b["count"] for b in figures["execution"]["bins"]}
    assert bins["80–90%"] == 2  # both demo forms execute 82.89%
    progress = {status: count for status, _name, count in figures["progress"]}
    assert progress["cleared"] == 2  # the corrected score and the total it fixed
    assert figures["worst"][0]["doc_id"] == "demo_script"  # two open errors left there
    assert client.get("/dashboard?run=99").status_code == 404


def test_flag_figures_are_labelled_against_the_cell() -> None:
    from extractor.review.records import FlagRecord
    from extractor.review.web.detail import figures

    def flag(expected: object, found: object) -> FlagRecord:
        return FlagRecord(
            0,
            "p1",
            "total.weight",
            "total.weight_sum",
            "total.weight",
            "error",
            "",
            expected,
            found,
            None,
            0,
            True,
        )

    assert figures(flag(100, 95), "100") == [["表中为", "100"], ["计算得", "95"]]
    assert figures(flag(15, 18), "18") == [["应为", "15"], ["表中为", "18"]]
    # A target form prints no 总分 (read as 100): the 90 is the rows' sum.
    assert figures(flag(100, 90), "") == [["应为", "100"], ["计算得", "90"]]
    assert figures(flag(None, None), "5") == []
