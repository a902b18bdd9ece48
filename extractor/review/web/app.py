"""The review web application (FastAPI): HTML pages rendered on the server with every
string escaped, a small JSON API for the side panel and the decisions, and downloads
of the exports. Nothing is read from disk except this package's templates and static
files, the page-image cache and (to render a page image) the document's source file;
document text comes from the store.

Routes
  GET  /                                   documents page (department, title, year, forms)
  GET  /dashboard                          ?run= → charts of a run or of the whole store
  GET  /documents/{doc_id}                 one document's forms, flags and audit trail
  GET  /documents/{doc_id}/pages/{n}.png   page n of the source, rendered and cached
  GET  /api/documents                      document summaries (JSON)
  GET  /api/dashboard                      ?run= → the dashboard's figures (JSON)
  GET  /api/documents/{doc_id}/field       ?project=&path= → one field's detail
  POST /api/documents/{doc_id}/decisions   {project, path, action, value, note, reviewer,
                                            version, decision_id} → the field after it
  GET  /api/documents/{doc_id}/validated   ?after=<decision id>&wait=<s> → whether the
                                            flags reflect that decision (re-validation
                                            runs after the save)
  GET  /api/documents/{doc_id}/audit       the document's audit trail
  GET  /export/{json|csv|xlsx}             ?run= → the export, as a download
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from extractor.review.dashboard import run_figures
from extractor.review.decide import MAX_NOTE, MAX_REVIEWER
from extractor.review.errors import ConflictError, DecisionError, NotFoundError, ReviewError
from extractor.review.export import FORMATS, MEDIA_TYPES, export_bytes
from extractor.review.fields import MAX_INPUT, display, field_label
from extractor.review.overview import DocumentFacts, document_facts
from extractor.review.page_images import PageImageProblem, PageImages, default_cache_dir
from extractor.review.records import DocumentView
from extractor.review.sources import Box
from extractor.review.state import DECISION_NAMES, SEVERITY_NAMES, STATUS_NAMES, as_utc
from extractor.review.store import ReviewStore, RunRecord
from extractor.review.web.charts import columns, documents_chart, progress_chart, rules_chart
from extractor.review.web.detail import field_detail
from extractor.review.web.forms import build_forms
from extractor.review.web.security import MAX_BODY, BodyLimit, Guard, request_problem

HERE = Path(__file__).resolve().parent
STATIC_FILES = {
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
}
IMAGE_CACHE = "private, max-age=86400"  # the URL carries the source's hash
MAX_WAIT = 30.0  # seconds a page may wait for a re-validation
ACTION_DONE = {
    "confirm": "已确认",
    "modify": "已修改",
    "source_error": "已标记原文错误",
    "undo": "已撤销",
}


class DecisionBody(BaseModel):
    project: str = Field("", max_length=64)
    path: str = Field(max_length=255)
    action: str = Field(max_length=16)
    value: str | None = Field(None, max_length=MAX_INPUT)
    note: str = Field("", max_length=MAX_NOTE)
    reviewer: str = Field("", max_length=MAX_REVIEWER)
    version: int = Field(ge=0)
    decision_id: int | None = None


def _local(moment: datetime) -> str:
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
    )
    env.globals.update(
        STATUS_NAMES=STATUS_NAMES, SEVERITY_NAMES=SEVERITY_NAMES, DECISION_NAMES=DECISION_NAMES
    )
    env.filters["display"] = display
    env.filters["local"] = _local
    return env


def summary(view: DocumentView, facts: DocumentFacts | None = None) -> dict[str, Any]:
    counts = view.counts()
    data: dict[str, Any] = {
        "doc_id": view.doc_id,
        "forms": len(view.current.get("projects", [])),
        "open": {s: counts.open.get(s, 0) for s in SEVERITY_NAMES},
        "total": {s: counts.total.get(s, 0) for s in SEVERITY_NAMES},
        "open_all": counts.open_all,
        "total_all": counts.total_all,
        "done": counts.done,
        "percent": counts.percent,
        "reviewed_fields": sum(s.status != "unreviewed" for s in view.states.values()),
        "decisions": len(view.audit),
        "has_source": view.record.has_source,
        "imported_at": _local(view.record.imported_at),
        "revalidating": view.revalidating,
    }
    if facts is not None:
        data["facts"] = facts.to_json()
        data["label"] = facts.label
    return data


def audit_entries(view: DocumentView, limit: int | None = None) -> list[dict[str, Any]]:
    rows = list(reversed(view.audit))[:limit]
    return [
        {
            **row.to_json(),
            "label": field_label(view.project(row.project), row.target),
            "old": display(row.old_value),
            "new": display(row.new_value),
            "local_time": _local(row.created_at),
        }
        for row in rows
    ]


def create_app(
    store: ReviewStore,
    *,
    token: str | None = None,
    any_host: bool = False,
    reviewer: str = "",
    page_cache: Path | None = None,
) -> FastAPI:
    """The application over `store`. Without `token`, only loopback host names are
    answered (unless `any_host`); with it, any host name, but every request must carry
    the token. `reviewer` prefills the name box only when given explicitly: the name is
    asked for, never guessed. Page images are cached in `page_cache` (default: beside a
    SQLite store)."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, title="绩效表审核")
    guard = Guard(token=token, loopback_only=not (token or any_host))
    app.middleware("http")(guard)
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    env = _templates()
    images = PageImages(page_cache or default_cache_dir(store.sqlite_path))

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        template = env.get_template(name)
        html = template.render(csrf=request.state.csrf, reviewer=reviewer, **context)
        return HTMLResponse(html, status_code=status)

    def facts_of(view: DocumentView) -> DocumentFacts:
        return document_facts(view, store.pages(view.doc_id))

    def boxes_of(doc_id: str) -> Callable[[int], list[Box]]:
        return lambda number: store.page_boxes(doc_id, number)

    def run_of(run: str | None) -> RunRecord | None:
        if not run:
            return None
        found = next((r for r in store.runs() if str(r.id) == run), None)
        if found is None:
            raise NotFoundError("没有这个批次")
        return found

    @app.exception_handler(ReviewError)
    async def _review_error(request: Request, exc: ReviewError) -> Response:
        status = 400
        body: dict[str, Any] = {"error": str(exc)}
        if isinstance(exc, NotFoundError):
            status = 404
        elif isinstance(exc, ConflictError):
            status = 409
            body["conflict"] = exc.current
        elif isinstance(exc, DecisionError):
            status = 400
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status_code=status)
        return page(request, "error.html", status, message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"error": request_problem(exc.errors())}, status_code=400)

    @app.get("/", response_class=HTMLResponse)
    def documents_page(request: Request) -> HTMLResponse:
        documents = [summary(v, facts_of(v)) for v in store.views()]
        return page(request, "documents.html", documents=documents)

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard_page(request: Request, run: str | None = None) -> HTMLResponse:
        chosen = run_of(run)
        views = store.views(chosen.id if chosen else None)
        figures = run_figures(views, {v.doc_id: facts_of(v) for v in views})
        charts = {
            "execution": columns(figures.execution.bins, "资金执行率分布"),
            "scores": columns(figures.scores.bins, "总得分分布"),
            "rules": rules_chart(figures.rules),
            "progress": progress_chart(figures.progress),
            "worst": documents_chart(figures.worst),
        }
        return page(
            request, "dashboard.html", f=figures, charts=charts, runs=store.runs(), run=chosen
        )

    @app.get("/api/dashboard")
    def api_dashboard(run: str | None = None) -> dict[str, Any]:
        chosen = run_of(run)
        views = store.views(chosen.id if chosen else None)
        figures = run_figures(views, {v.doc_id: facts_of(v) for v in views})
        return {"run": chosen.id if chosen else None, **asdict(figures), "open": figures.open}

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document_page(request: Request, doc_id: str) -> HTMLResponse:
        view = store.document_view(doc_id)
        document_flags = [f for f in view.flags if not f.project]
        return page(
            request,
            "document.html",
            doc=summary(view, facts_of(view)),
            forms=build_forms(view),
            flags=view.flags,
            document_flags=document_flags,
            project_names={
                p["id"]: f"{p['id']} {p.get('name') or ''}" for p in view.current["projects"]
            },
            labels={
                (f.project, f.target): field_label(view.project(f.project), f.target)
                for f in view.flags
            },
            audit=audit_entries(view, 100),
        )

    @app.get("/documents/{doc_id}/pages/{number}.png")
    def page_image(doc_id: str, number: int) -> Response:
        record = store.document_view(doc_id).record
        try:
            path = images.render(record, number)
        except PageImageProblem as exc:
            raise NotFoundError(str(exc)) from None
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": IMAGE_CACHE})

    @app.get("/api/documents")
    def api_documents() -> list[dict[str, Any]]:
        return [summary(v, facts_of(v)) for v in store.views()]

    @app.get("/api/documents/{doc_id}/field")
    def api_field(doc_id: str, path: str, project: str = "") -> dict[str, Any]:
        view = store.document_view(doc_id)
        return field_detail(view, store.pages(doc_id), project, path, images, boxes_of(doc_id))

    @app.post("/api/documents/{doc_id}/decisions")
    def api_decide(doc_id: str, body: DecisionBody) -> dict[str, Any]:
        outcome = store.decide(
            doc_id,
            body.project,
            body.path,
            body.action,
            reviewer=body.reviewer,
            version=body.version,
            value=body.value,
            note=body.note,
            decision_id=body.decision_id,
            via="web",
            wait=False,  # answered once saved; the page asks when the flags are re-checked
        )
        view = outcome.view
        label = field_label(view.project(body.project), body.path)
        return {
            "ok": True,
            "message": f"{ACTION_DONE[outcome.row.decision]}：{label}",
            "decision": outcome.row.to_json(),
            "field": field_detail(
                view, store.pages(doc_id), body.project, body.path, images, boxes_of(doc_id)
            ),
            "summary": summary(view),
            "revalidating": outcome.revalidating,
        }

    @app.get("/api/documents/{doc_id}/validated")
    def api_validated(doc_id: str, after: int = Query(ge=0), wait: float = 10.0) -> dict[str, Any]:
        """Whether the flags reflect decision `after`, waiting up to `wait` seconds."""
        store.document_view(doc_id)  # 404 for an unknown document
        done = store.wait_validated(doc_id, after, timeout=max(0.0, min(wait, MAX_WAIT)))
        return {"validated": done}

    @app.get("/api/documents/{doc_id}/audit")
    def api_audit(doc_id: str) -> list[dict[str, Any]]:
        return audit_entries(store.document_view(doc_id))

    @app.get("/export/{fmt}")
    def export(fmt: str, run: str | None = None) -> Response:
        if fmt not in FORMATS:
            raise NotFoundError("不支持的导出格式（可选 json、csv、xlsx）")
        chosen = run_of(run)
        views = store.views(chosen.id if chosen else None)
        data = export_bytes(views, fmt, {v.doc_id: facts_of(v) for v in views})
        headers = {"Content-Disposition": f'attachment; filename="review-export.{fmt}"'}
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise NotFoundError("没有这个文件")
        return Response((HERE / "static" / name).read_bytes(), media_type=STATIC_FILES[name])

    return app
