"""The HTML pages: analyse (form), result (permalink), history, about. Thin: data comes from the library."""

from __future__ import annotations

import asyncio
import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from proplens import techniques
from proplens._extras import installed
from proplens.render.html import LIMITS_NOTE, report_context
from proplens.render.view import css_class
from proplens.sinks.formats import FORMATS, OutputFormat, serialise
from proplens.techniques import Taxonomy
from proplens.web.rest import analyze_and_store
from proplens.web.security import csrf_token, csrf_valid, set_csrf_cookie
from proplens.web.service import AnalysisOptions

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


def _page(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    token = csrf_token(request)
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, {"csrf_token": token, **context}, status_code=status
    )
    set_csrf_cookie(response, token)
    return response


@router.get("/", response_class=HTMLResponse)
async def analyse_page(request: Request) -> HTMLResponse:
    return _page(request, "analyze.html.j2", _form_context(request, {}, None))


def _form_context(request: Request, form: dict[str, Any], error: str | None) -> dict[str, Any]:
    return {"active": "analyse", "form": form, "error": error, "models": request.app.state.service.models}


@router.post("/analyze", response_class=HTMLResponse)
async def analyse_form(
    request: Request,
    csrf: Annotated[str, Form(alias="csrf_token")] = "",
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    taxonomy: Annotated[str, Form()] = "ptc",
    entities: Annotated[str, Form()] = "",
    model: Annotated[str, Form(max_length=40)] = "",
    min_score: Annotated[str, Form(max_length=10)] = "",
    file: UploadFile | None = None,
) -> Response:
    form = {
        "text": text,
        "url": url,
        "title": title,
        "taxonomy": taxonomy,
        "entities": bool(entities),
        "model": model,
        "min_score": min_score,
    }
    if not csrf_valid(request, csrf):
        return _page(
            request,
            "analyze.html.j2",
            _form_context(request, form, "The form expired; please submit it again."),
            status=403,
        )
    if taxonomy not in set(Taxonomy):
        return _page(
            request,
            "analyze.html.j2",
            _form_context(request, form, f"Unknown taxonomy {taxonomy!r}: choose one listed."),
            status=400,
        )
    minimum = _minimum(min_score)
    if minimum is False:
        error = "The minimum score must be a number between 0 and 1 (or empty for the model's default)."
        return _page(request, "analyze.html.j2", _form_context(request, form, error), status=400)
    upload = None
    if file is not None and file.filename:
        upload = (file.filename, await file.read())
    options = AnalysisOptions(
        min_score=minimum or None, taxonomy=taxonomy, entities=bool(entities), model=model or None
    )
    try:
        _, analysis_id = await analyze_and_store(
            request,
            text=text or None,
            url=url or None,
            upload=upload,
            title=title or None,
            options=options,
        )
    except HTTPException as error:
        page = _page(
            request, "analyze.html.j2", _form_context(request, form, error.detail), status=error.status_code
        )
        page.headers.update(error.headers or {})  # e.g. Retry-After on a 503
        return page
    return RedirectResponse(f"/a/{analysis_id}", status_code=303)


def _minimum(value: str) -> float | bool | None:
    """The form's minimum score: None when empty, False when not a number strictly between 0 and 1."""
    if not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        return False
    return number if 0.0 < number < 1.0 else False  # NaN fails both comparisons


async def _stored(request: Request, analysis_id: str) -> Any:
    if not (len(analysis_id) == 16 and all(c in "0123456789abcdef" for c in analysis_id)):
        raise HTTPException(404, "no such analysis")
    stored = await asyncio.to_thread(request.app.state.store.get, analysis_id)
    if stored is None:
        raise HTTPException(404, "no such analysis")
    return stored


DOWNLOADS = {"json": OutputFormat.json, "ptc": OutputFormat.ptc, "html": OutputFormat.html}
"""The result page's downloads: ``/a/{id}.json``, ``.ptc`` (technique label lines) and ``.html``."""


@router.get("/a/{analysis_id}.{kind}")
async def download(request: Request, analysis_id: str, kind: str) -> Response:
    if kind not in DOWNLOADS:
        raise HTTPException(404, "no such download")
    stored = await _stored(request, analysis_id)
    written = FORMATS[DOWNLOADS[kind]]
    body = serialise(
        written.format, [stored.analysis], ids=[stored.id], origins=[stored.analysis.article.url]
    )
    filename = f"proplens-{stored.id}{written.suffix}"
    return Response(
        body,
        media_type=written.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# after the downloads: "/a/{id}" would otherwise also match "/a/{id}.json"
@router.get("/a/{analysis_id}", response_class=HTMLResponse)
async def result_page(request: Request, analysis_id: str) -> HTMLResponse:
    stored = await _stored(request, analysis_id)
    origin = stored.analysis.article.url
    context = report_context([stored.analysis], origins=[origin])
    return _page(
        request,
        "result.html.j2",
        {
            "active": "",
            "again_url": f"/a/{stored.id}/again",
            "id": stored.id,
            "created": stored.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            "review_techniques": techniques.techniques(stored.analysis.taxonomy),
            **context,
        },
    )


@router.post("/a/{analysis_id}/again", response_class=HTMLResponse)
async def analyse_again(
    request: Request,
    analysis_id: str,
    csrf: Annotated[str, Form(alias="csrf_token")] = "",
    min_score: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The stored article analysed again with another minimum score (the result page's slider moved
    below what the analysis kept): the same model and taxonomy, a new analysis and permalink."""
    if not csrf_valid(request, csrf):
        raise HTTPException(403, "The form expired; please submit it again.")
    minimum = _minimum(min_score)
    if not isinstance(minimum, float):
        raise HTTPException(400, "The minimum score must be a number between 0 and 1.")
    stored = await _stored(request, analysis_id)
    analysis = stored.analysis
    options = AnalysisOptions(
        min_score=minimum,
        taxonomy=analysis.taxonomy,
        entities=True,
        model=request.app.state.service.model_for(analysis.model),
    )
    _, again_id = await analyze_and_store(request, options=options, article=analysis.article)
    return RedirectResponse(f"/a/{again_id}", status_code=303)


@router.get("/history", response_class=HTMLResponse)
async def history_page(request: Request, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    store = request.app.state.store
    total = await asyncio.to_thread(store.count)
    rows = await asyncio.to_thread(store.recent, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    items = [
        {
            "id": r.id,
            "title": r.title,
            "url": r.url,
            "created": r.created_at.strftime("%Y-%m-%d %H:%M"),
            "score": f"{r.propaganda_score:.0f}",
            "spans": r.spans,
            "times": r.times,
            "review": r.review,
        }
        for r in rows
    ]
    return _page(
        request,
        "history.html.j2",
        {"active": "history", "items": items, "page": page, "pages": pages, "total": total},
    )


@router.get("/about", response_class=HTMLResponse)
async def about_page(request: Request) -> HTMLResponse:
    info = request.app.state.service.info
    shipped = info.dev_scores.get("onnx_int8", {})
    scores = [
        ("Span identification F1", shipped.get("si_f1")),
        ("Span identification precision", shipped.get("si_precision")),
        ("Span identification recall", shipped.get("si_recall")),
        ("Technique classification micro-F1", shipped.get("tc_micro_f1")),
        ("Technique classification macro-F1", shipped.get("tc_macro_f1")),
    ]
    rows = [
        {
            "name": t.name,
            "definition": t.definition,
            "example": t.example,
            "css": css_class(t.id),
            "f1": f"{shipped[f'tc_f1/{t.id}']:.2f}" if f"tc_f1/{t.id}" in shipped else "-",
        }
        for t in techniques.techniques(Taxonomy.PTC)
    ]
    return _page(
        request,
        "about.html.j2",
        {
            "active": "about",
            "model": info.model_id,
            "provenance": _provenance(info),
            "scores": [(name, f"{value:.3f}") for name, value in scores if value is not None],
            "techniques": rows,
            "limits": LIMITS_NOTE,
        },
    )


def _provenance(info: Any) -> list[tuple[str, str]]:
    """What /about says of the model that answers: its id, base encoder, and what it was trained from."""
    rows = [("Model", info.model_id), ("Base encoder", info.base_encoder or "-")]
    made = info.provenance
    if made.get("trained_from"):
        rows.append(("Trained from", str(made["trained_from"])))
        rows.append(("Reviewed articles learnt from", str(made.get("reviewed_articles", 0))))
    else:
        rows.append(("Trained from", "the base encoder, on the Propaganda Techniques Corpus"))
    if made.get("date"):
        rows.append(("Trained on", str(made["date"])))
    return rows


def _corpus_report(request: Request) -> Any:
    """The corpus report of the store's latest model (None when nothing has been analysed yet), built once
    per change of the corpus analyses and shared by the page and its plots."""
    from proplens.corpus.report import corpus_report

    store = request.app.state.store
    version = store.corpus_version()
    cached = getattr(request.app.state, "corpus_report", None)
    if cached is None or cached[0] != version:
        cached = (version, corpus_report(store), {})
        request.app.state.corpus_report = cached
    return cached


@router.get("/corpus", response_class=HTMLResponse)
async def corpus_page(request: Request) -> HTMLResponse:
    from proplens.render.corpus import report_view

    _, report, _ = await asyncio.to_thread(_corpus_report, request)
    view = report_view(report) if report is not None else None
    charts = installed("matplotlib")
    return _page(request, "corpus.html.j2", {"active": "corpus", "report": view, "charts": charts})


@router.get("/corpus/{plot}.svg")
async def corpus_plot(request: Request, plot: str) -> Response:
    from proplens.render.plots import PLOTS, render_plot

    if plot not in PLOTS:
        raise HTTPException(404, "no such plot")
    if not installed("matplotlib"):
        raise HTTPException(404, "charts need the plots extra: pip install 'proplens[plots]'")
    _, report, pictures = await asyncio.to_thread(_corpus_report, request)
    if report is None:
        raise HTTPException(404, "no corpus analyses yet")
    if plot not in pictures:
        pictures[plot] = await asyncio.to_thread(render_plot, report, plot, format="svg")
    if pictures[plot] is None:
        raise HTTPException(404, "this plot needs dated articles")
    return Response(pictures[plot], media_type="image/svg+xml")
