"""`proplens serve`: the web app and REST API."""

from __future__ import annotations

from typing import Annotated

import typer

from proplens.cli.app import app
from proplens.cli.common import DB_HELP, MODEL_HELP, clean_errors, stderr
from proplens.web.server import (
    DEFAULT_MAX_CLIENT_CONNECTIONS,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_TIMEOUT,
)


def check_address(host: str, port: int) -> None:
    """A one-line error for an address this machine cannot listen on (``256.1.1.1``, an unknown name)."""
    import socket

    from proplens.errors import ProplensError

    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as error:
        raise ProplensError(f"--host {host!r}: not an address to listen on ({error})") from None


@app.command("serve")
@clean_errors
def serve_command(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    model: Annotated[str | None, typer.Option(help=MODEL_HELP)] = None,
    max_body_bytes: Annotated[
        int, typer.Option(min=1000, help="Largest request body; more gets a 413.")
    ] = 2_000_000,
    allow_private_urls: Annotated[
        bool, typer.Option(help="Let users fetch loopback/private/link-local URLs (intranet use only).")
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="A name clients reach this server by (Host header); repeatable. Default: the loopback "
            "names, plus --host; '*' allows any (only behind a proxy that checks Host).",
        ),
    ] = None,
    request_timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds a client has to send a whole request; slower: closed.")
    ] = DEFAULT_REQUEST_TIMEOUT,
    extension: Annotated[
        bool,
        typer.Option(
            "--extension/--no-extension",
            help="Accept the browser extension (with the token printed at start, kept in $PROPLENS_HOME).",
        ),
    ] = True,
    max_connections: Annotated[
        int, typer.Option(min=1, help="Open connections at most; more are closed at once.")
    ] = DEFAULT_MAX_CONNECTIONS,
    max_client_connections: Annotated[
        int,
        typer.Option(
            min=1,
            help="Open connections from one client address at most (behind a reverse proxy every "
            "client has the proxy's address: raise it to --max-connections there).",
        ),
    ] = DEFAULT_MAX_CLIENT_CONNECTIONS,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            max=64,
            help="Worker processes running analyses (each loads the model); 0: one per core, at most 2.",
        ),
    ] = 0,
) -> None:
    """Run the web app and REST API (/api/v1, OpenAPI schema at /openapi.json): paste an article, see the
    techniques."""
    from proplens.models.catalog import model_directory, model_in_use
    from proplens.models.detector import INFO_FILE, ModelInfo
    from proplens.store import Store
    from proplens.web import Settings, create_app
    from proplens.web.server import run
    from proplens.web.settings import LOOPBACK_NAMES, extension_token

    # fail here, with one line, rather than inside the server's start-up
    model = model or model_in_use()
    Store(db).engine.dispose()
    ModelInfo.read(model_directory(model) / INFO_FILE)
    check_address(host, port)
    hosts = tuple(allowed_host or ())
    if not hosts:
        hosts = LOOPBACK_NAMES
        if host not in ("0.0.0.0", "::"):
            hosts = (*hosts, host)
        else:
            hosts = ("*",)
            stderr.print(
                "[yellow]warning[/yellow] listening on every interface with any Host accepted; "
                "name the server with --allowed-host (DNS rebinding)",
                highlight=False,
            )
    settings = Settings(
        database_url=db,
        model=model,
        max_body_bytes=max_body_bytes,
        allow_private_urls=allow_private_urls,
        allowed_hosts=hosts,
        extension_token=extension_token() if extension else None,
        workers=workers,
    )
    stderr.print(
        f"proplens web app on http://{host}:{port}  (API: /api/v1, /openapi.json; Ctrl-C stops)", markup=False
    )
    if settings.extension_token:
        stderr.print(f"browser extension token: {settings.extension_token}", highlight=False)
    run(
        create_app(settings),
        host=host,
        port=port,
        request_timeout=request_timeout,
        max_connections=max_connections,
        max_client_connections=max_client_connections,
    )
