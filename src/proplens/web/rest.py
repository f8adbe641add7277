"""REST API under ``/api/v1``: analyse, fetch a stored analysis, review it, list techniques, health.

Analyses are the JSON of ``proplens analyze --format json`` (schema ``proplens.schemas``), plus the
``id`` under which a stored analysis can be fetched again.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from proplens import techniques
from proplens.document import Analysis, Article
from proplens.errors import Busy, ProplensError
from proplens.review import MAX_REVIEWER, Action, Review, ReviewError, review_state
from proplens.schemas import analysis_schema
from proplens.sinks.formats import document
from proplens.techniques import Taxonomy
from proplens.web.requests import article_from_input
from proplens.web.security import EXTENSION_SCHEMES, csrf_valid
from proplens.web.service import AnalysisOptions

__all__ = ["ReviewRequest", "analyze_and_store", "router"]

router = APIRouter(prefix="/api/v1", tags=["api"])

_ANALYSIS = {"content": {"application/json": {"schema": analysis_schema()}}}
_ERROR = {
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
        }
    }
}


class AnalyzeRequest(BaseModel):
    """Give `text`, `url` or `html` (exactly one)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["url"]}, {"required": ["html"]}]},
    )

    text: str | None = Field(default=None, min_length=1, description="The article text.")
    url: str | None = Field(
        default=None,
        pattern="^https?://",
        max_length=2000,
        description="An http(s) URL of a news page to fetch.",
    )
    html: str | None = Field(
        default=None,
        min_length=1,
        description="A whole page's HTML (the browser extension sends the page it shows); the article is "
        "extracted from it the same way as from a fetched URL. Nothing is fetched.",
    )
    page_url: str | None = Field(
        default=None,
        pattern="^https?://",
        max_length=2000,
        description="Where `html` came from (kept with the article; never fetched).",
    )
    title: str | None = Field(default=None, max_length=1000, description="A title for pasted text.")
    min_score: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Lowest score a fragment needs (its calibrated probability of being propaganda, "
        "each span's `score`); lower reveals more. Default: the model's tuned minimum.",
    )
    taxonomy: Taxonomy = Taxonomy.PTC
    model: str | None = Field(
        default=None,
        max_length=40,
        description="A named model installed on the server (`default`, `accurate`; see /api/v1/health); "
        "default: the server's model.",
    )
    entities: bool = Field(default=True, description="Find who each fragment targets.")
    store: bool = Field(default=True, description="Keep the analysis (history, permalink).")


_OFFSET = Field(default=None, ge=0, le=2**31 - 1)


class ReviewRequest(BaseModel):
    """One review action. `span` is the fragment's index in the analysis's `spans`; `added` the id of an
    earlier ``add`` (to change or withdraw an added fragment); `start`/`end` are character offsets in the
    article text (``resize``, ``add``); `technique` a technique id of the analysis's taxonomy (``relabel``,
    ``add``)."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    reviewer: str = Field(min_length=1, max_length=MAX_REVIEWER, description="Who is reviewing.")
    span: int | None = _OFFSET
    start: int | None = _OFFSET
    end: int | None = _OFFSET
    technique: str | None = Field(default=None, max_length=64)
    added: int | None = _OFFSET


class TechniqueOut(BaseModel):
    id: str
    name: str
    definition: str
    example: str
    colour: str
    category: str | None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    model: str
    models: list[str] = Field(description="The models a request may name in `model` (the server's first).")
    database: Literal["ok", "unreachable"]
    queued: int


async def analyze_and_store(
    request: Request,
    *,
    text: str | None = None,
    url: str | None = None,
    upload: tuple[str, bytes] | None = None,
    html: tuple[str, str | None] | None = None,
    title: str | None = None,
    options: AnalysisOptions | None = None,
    store: bool = True,
    article: Article | None = None,
) -> tuple[Analysis, str | None]:
    """The shared path of the API and the web form: read (unless `article` is given: a stored one
    analysed again), queue, wait, store. Raises HTTPException."""
    state = request.app.state
    try:
        if article is None:
            article = await article_from_input(
                state.settings, text=text, url=url, upload=upload, html=html, title=title
            )
        submitted = state.service.submit(article, options or AnalysisOptions())
    except Busy as error:
        raise HTTPException(503, str(error), headers={"Retry-After": "5"}) from None
    except ProplensError as error:
        raise HTTPException(400, str(error)) from None
    waiting = asyncio.wrap_future(submitted.future)
    # an abandoned analysis ends in Cancelled: collect it, so asyncio does not log it as unretrieved
    waiting.add_done_callback(lambda done: done.cancelled() or done.exception())
    try:
        analysis = await asyncio.wait_for(asyncio.shield(waiting), state.settings.analysis_timeout)
    except TimeoutError:
        submitted.drop()
        raise HTTPException(504, "the analysis took too long; try a shorter article") from None
    except asyncio.CancelledError:  # the client went away
        submitted.drop()
        raise
    except ProplensError as error:
        raise HTTPException(400, str(error)) from None
    analysis_id = await asyncio.to_thread(state.store.save, analysis) if store else None
    return analysis, analysis_id


@router.post(
    "/analyze",
    responses={200: _ANALYSIS, 400: _ERROR, 413: _ERROR, 503: _ERROR, 504: _ERROR},
    summary="Analyse an article given as text or URL",
)
async def analyze(body: AnalyzeRequest, request: Request) -> JSONResponse:
    options = AnalysisOptions(body.min_score, body.taxonomy, body.entities, body.model)
    analysis, analysis_id = await analyze_and_store(
        request,
        text=body.text,
        url=body.url,
        html=(body.html, body.page_url) if body.html else None,
        title=body.title,
        options=options,
        store=body.store,
    )
    headers = {"Location": f"/api/v1/analyses/{analysis_id}"} if analysis_id else None
    return JSONResponse(document(analysis, analysis_id), headers=headers)


@router.get("/analyses/{analysis_id}", responses={200: _ANALYSIS, 404: _ERROR}, summary="A stored analysis")
async def get_analysis(
    analysis_id: Annotated[str, Field(pattern="^[0-9a-f]{16}$")], request: Request
) -> JSONResponse:
    stored = await asyncio.to_thread(request.app.state.store.get, analysis_id)
    if stored is None:
        raise HTTPException(404, f"no analysis {analysis_id}")
    return JSONResponse(document(stored.analysis, stored.id))


_ANALYSIS_ID = Field(pattern="^[0-9a-f]{16}$")


def _reviews_document(analysis: Analysis, reviews: list[Review]) -> dict[str, object]:
    state = review_state(analysis, reviews)
    return {
        "reviews": [r.to_dict() for r in reviews],
        "spans": [asdict(s) for s in state.spans],
        "summary": state.summary,
        "decided": state.decided,
        "total": state.total,
        "done_by": list(state.done_by),
    }


@router.post(
    "/analyses/{analysis_id}/reviews",
    status_code=201,
    responses={400: _ERROR, 403: _ERROR, 404: _ERROR, 413: _ERROR},
    summary="Review a stored analysis: accept, reject, relabel, resize or add a fragment, or say done",
)
async def add_review(
    analysis_id: Annotated[str, _ANALYSIS_ID],
    body: ReviewRequest,
    request: Request,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    origin = request.headers.get("origin", "")
    # the app's own pages send their CSRF token; the extension its bearer token (OriginMiddleware checked
    # it); clients without an Origin (curl, scripts) are trusted as for /analyze
    if origin and not origin.startswith(EXTENSION_SCHEMES) and not csrf_valid(request, x_csrf_token):
        raise HTTPException(403, "the page's CSRF token is missing or wrong: reload the page")
    review = Review(body.action, body.reviewer, body.span, body.start, body.end, body.technique, body.added)
    store = request.app.state.store
    try:
        stored = await asyncio.to_thread(store.add_review, analysis_id, review)
    except ReviewError as error:
        raise HTTPException(400, str(error)) from None
    if stored is None:
        raise HTTPException(404, f"no analysis {analysis_id}")
    return JSONResponse(stored.to_dict(), status_code=201)


@router.get(
    "/analyses/{analysis_id}/reviews",
    responses={404: _ERROR},
    summary="The reviews of a stored analysis, oldest first, and what they add up to",
)
async def list_reviews(analysis_id: Annotated[str, _ANALYSIS_ID], request: Request) -> JSONResponse:
    store = request.app.state.store
    stored = await asyncio.to_thread(store.get, analysis_id)
    if stored is None:
        raise HTTPException(404, f"no analysis {analysis_id}")
    reviews = await asyncio.to_thread(store.reviews, analysis_id)
    return JSONResponse(_reviews_document(stored.analysis, reviews))


@router.get("/techniques", summary="The techniques of a taxonomy")
async def list_techniques(
    taxonomy: Annotated[Taxonomy, Query()] = Taxonomy.PTC,
) -> list[TechniqueOut]:
    return [
        TechniqueOut(
            id=t.id,
            name=t.name,
            definition=t.definition,
            example=t.example,
            colour=t.colour,
            category=t.category,
        )
        for t in techniques.techniques(taxonomy)
    ]


@router.get("/health", summary="Whether the model and the database are ready")
async def health(request: Request) -> Health:
    state = request.app.state
    database = await asyncio.to_thread(state.store.ping)
    return Health(
        status="ok" if database else "degraded",
        model=state.service.info.model_id,
        models=list(state.service.models),
        database="ok" if database else "unreachable",
        queued=state.service.waiting,
    )
