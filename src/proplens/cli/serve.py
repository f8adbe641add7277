"""`proplens serve`: the web app and REST API."""

from __future__ import annotations

from typing import Annotated

import typer

from proplens.cli.app import app
from proplens.cli.common import DB_HELP, MODEL_HELP, clean_errors, stderr


@app.command("serve")
@clean_errors
def serve_command(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    model: Annotated[str, typer.Option(help=MODEL_HELP)] = "default",
    max_body_bytes: Annotated[
        int, typer.Option(min=1000, help="Largest request body; more gets a 413.")
    ] = 2_000_000,
    allow_private_urls: Annotated[
        bool, typer.Option(help="Let users fetch loopback/private/link-local URLs (intranet use only).")
    ] = False,
) -> None:
    """Run the web app and REST API (/api/v1, OpenAPI at /docs): paste an article, see the techniques."""
    import uvicorn

    from proplens.api import load_model
    from proplens.store import Store
    from proplens.web import Settings, create_app

    # fail here, with one line, rather than inside the server's start-up
    Store(db).engine.dispose()
    load_model(model)
    settings = Settings(
        database_url=db, model=model, max_body_bytes=max_body_bytes, allow_private_urls=allow_private_urls
    )
    stderr.print(f"proplens web app on http://{host}:{port}  (API: /api/v1, docs: /docs; Ctrl-C stops)")
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="warning")
