"""The review web application (FastAPI): HTML pages rendered on the server with every
string escaped, a small JSON API for the side panel and the decisions, and downloads
of the exports. Nothing is read from disk except this package's templates and its two
static files; document text comes from the store.

Routes
  GET  /                                   documents page
  GET  /documents/{doc_id}                 one document's forms, flags and audit trail
  GET  /api/documents                      document summaries (JSON)
  GET  /api/documents/{doc_id}/field       ?project=&path= → one field's detail
  POST /api/documents/{doc_id}/decisions   {project, path, action, value, note, reviewer,
                                            version, decision_id} → the field after it
  GET  /api/documents/{doc_id}/audit       the document's audit trail
  GET  /export/{json|csv|xlsx}             the export, as a download
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel

from extractor.review.errors import ConflictError, DecisionError, NotFoundError, ReviewError
from extractor.review.export import FORMATS, MEDIA_TYPES, export_bytes
from extractor.review.fields import display, field_label
from extractor.review.records import DocumentView
from extractor.review.state import DECISION_NAMES, SEVERITY_NAMES, STATUS_NAMES, as_utc
from extractor.review.store import ReviewStore
from extractor.review.web.detail import field_detail
from extractor.review.web.forms import build_forms
from extractor.review.web.security import LOOPBACK_HOSTS, Guard

HERE = Path(__file__).resolve().parent
STATIC_FILES = {
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
}
ACTION_DONE = {
    "confirm": "已确认",
    "modify": "已修改",
    "source_error": "已标记原文错误",
    "undo": "已撤销",
}


class DecisionBody(BaseModel):
    project: str = ""
    path: str
    action: str
    value: str | None = None
    note: str = ""
    reviewer: str = ""
    version: int
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


def summary(view: DocumentView) -> dict[str, Any]:
    counts = view.counts()
    return {
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
    }


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
    allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS,
    reviewer: str = "",
) -> FastAPI:
    """The application over `store`. Without `token`, only loopback host names are
    answered; with it, any host name, but every request must carry the token."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, title="绩效表审核")
    guard = Guard(token=token, allowed_hosts=None if token else allowed_hosts)
    app.middleware("http")(guard)
    env = _templates()

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        template = env.get_template(name)
        html = template.render(csrf=request.state.csrf, reviewer=reviewer, **context)
        return HTMLResponse(html)

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
        html = env.get_template("error.html").render(
            csrf=request.state.csrf, reviewer=reviewer, message=str(exc)
        )
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
        return JSONResponse({"error": f"请求格式错误：{fields or '内容无效'}"}, status_code=400)

    @app.get("/", response_class=HTMLResponse)
    def documents_page(request: Request) -> HTMLResponse:
        return page(request, "documents.html", documents=[summary(v) for v in store.views()])

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document_page(request: Request, doc_id: str) -> HTMLResponse:
        view = store.document_view(doc_id)
        document_flags = [f for f in view.flags if not f.project]
        return page(
            request,
            "document.html",
            doc=summary(view),
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

    @app.get("/api/documents")
    def api_documents() -> list[dict[str, Any]]:
        return [summary(v) for v in store.views()]

    @app.get("/api/documents/{doc_id}/field")
    def api_field(doc_id: str, path: str, project: str = "") -> dict[str, Any]:
        view = store.document_view(doc_id)
        return field_detail(view, store.pages(doc_id), project, path)

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
        )
        view = outcome.view
        label = field_label(view.project(body.project), body.path)
        return {
            "ok": True,
            "message": f"{ACTION_DONE[outcome.row.decision]}：{label}",
            "decision": outcome.row.to_json(),
            "field": field_detail(view, store.pages(doc_id), body.project, body.path),
            "summary": summary(view),
        }

    @app.get("/api/documents/{doc_id}/audit")
    def api_audit(doc_id: str) -> list[dict[str, Any]]:
        return audit_entries(store.document_view(doc_id))

    @app.get("/export/{fmt}")
    def export(fmt: str) -> Response:
        if fmt not in FORMATS:
            raise NotFoundError(f"不支持的导出格式 {fmt}（可选 json、csv、xlsx）")
        data = export_bytes(store.views(), fmt)
        headers = {"Content-Disposition": f'attachment; filename="review-export.{fmt}"'}
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise NotFoundError("没有这个文件")
        return Response((HERE / "static" / name).read_bytes(), media_type=STATIC_FILES[name])

    return app
