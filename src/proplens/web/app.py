"""`create_app`: the FastAPI application — pages, REST API, static files, middleware, one model, one store."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from proplens import __version__
from proplens.errors import StoreError
from proplens.render.view import technique_css
from proplens.store import Store
from proplens.techniques import Taxonomy
from proplens.web import rest, views
from proplens.web.security import (
    BodyLimitMiddleware,
    HeadMiddleware,
    HostCheckMiddleware,
    JsonLogFormatter,
    OriginMiddleware,
    RequestLogMiddleware,
    SecurityHeadersMiddleware,
)
from proplens.web.service import AnalysisService
from proplens.web.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("proplens.web")

_STATIC = {
    "report.css": ("proplens.render", "text/css"),
    "report.js": ("proplens.render", "text/javascript"),
    "app.css": ("proplens.web", "text/css"),
    "review.js": ("proplens.web", "text/javascript"),
    "icon.svg": ("proplens.web", "image/svg+xml"),
}


def configure_logging() -> None:
    """JSON lines on stderr for the ``proplens.web`` logger (once)."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLogFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; the model and the database are opened at start-up (lifespan), once per process."""
    settings = settings or Settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # a second start of the same app (e.g. a test harness wrapping it again) reuses what is running
        if getattr(app.state, "service", None) is not None:
            yield
            return
        app.state.store = Store(settings.database_url)
        app.state.service = AnalysisService(
            settings.model, queue_size=settings.queue_size, workers=settings.workers
        )
        await asyncio.to_thread(app.state.service.start)  # returns once the workers' model is loaded
        log.info(
            "started",
            extra={"fields": {"model": app.state.service.info.model_id, "database": app.state.store.url}},
        )
        try:
            yield
        finally:
            app.state.service.stop()
            app.state.store.engine.dispose()
            app.state.service = None

    app = FastAPI(
        title="proplens",
        version=__version__,
        description="Find propaganda and persuasion techniques in news articles.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI would load scripts from a CDN; the schema is at /openapi.json
        redoc_url=None,
    )
    app.state.settings = settings
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PackageLoader("proplens.web", "templates"),
            jinja2.PackageLoader("proplens.render", "templates"),
        ]
    )
    environment = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.globals["taxonomies"] = list(Taxonomy)
    app.state.templates = Jinja2Templates(env=environment)
    app.include_router(rest.router)
    app.include_router(views.router)

    css = technique_css()

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name == "techniques.css":
            return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
        if name not in _STATIC:
            raise HTTPException(404, "no such file")
        package, media_type = _STATIC[name]
        text = resources.files(package).joinpath("static", name).read_text(encoding="utf-8")
        return Response(text, media_type=media_type, headers={"Cache-Control": "max-age=3600"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return await static("icon.svg")

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> Response:
        """The database failed: 503 with a plain message (its details go to the log, not the client)."""
        log.error("database error on %s: %s", request.url.path, error)
        detail = "the database is not available right now; try again shortly"
        return await http_error(request, StarletteHTTPException(503, detail, headers={"Retry-After": "5"}))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse(
                {"detail": error.detail}, status_code=error.status_code, headers=error.headers
            )
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html.j2",
            {"status": error.status_code, "message": error.detail, "active": ""},
            status_code=error.status_code,
            headers=error.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _validation_message(error)}, status_code=422)
        return PlainTextResponse(_validation_message(error), status_code=422)

    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(OriginMiddleware, token=settings.extension_token)
    app.add_middleware(HostCheckMiddleware, allowed=settings.allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


_SHOWN_PROBLEMS = 5


def _validation_message(error: RequestValidationError) -> str:
    """The first few problems of an invalid request in one line (150,000 unknown keys give one line, not
    a 6 MB answer)."""
    problems = error.errors()
    whole_body = [p for p in problems if tuple(p.get("loc", ())) == ("body",)]
    if whole_body or any(p.get("type") == "json_invalid" for p in problems):
        return (
            "send a JSON object with the header Content-Type: application/json, for example "
            '{"text": "The article..."} or {"url": "https://..."}'
            + ("" if whole_body else f" ({problems[0].get('ctx', {}).get('error', 'invalid JSON')})")
        )
    parts = []
    for problem in problems[:_SHOWN_PROBLEMS]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")[:100]
        parts.append(f"{where}: {problem.get('msg')}" if where else str(problem.get("msg")))
    if len(problems) > _SHOWN_PROBLEMS:
        parts.append(f"and {len(problems) - _SHOWN_PROBLEMS:,} more problems")
    return "; ".join(parts) or "invalid request"
