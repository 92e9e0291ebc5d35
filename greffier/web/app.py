"""The Starlette application of ``greffier serve``: read-only pages over one index.

Safe by default: every document string goes through Jinja2's autoescape; only files of the
package's ``static/`` folder and page images rendered into ``<index>/web-cache/`` (named from a
document's checksum, never from the request) are served; query strings are bounded; an error is
a page, never a traceback; a Content-Security-Policy allows nothing but this server.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from greffier.errors import GreffierError, NotFoundError, UsageError
from greffier.settings import Settings
from greffier.web import text as labels
from greffier.web.chart import svg_chart
from greffier.web.service import Service

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_QUERY = 500  # characters of a search or a question
MAX_PARAM = 200  # characters of any other text parameter
MAX_HIGHLIGHT = 2000
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]", "::1"]

CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


class _SecurityHeaders:
    """Adds the CSP and the other protective headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("greffier.web", "templates"),
        autoescape=select_autoescape(["html", "svg", "xml"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        KIND_LABELS=labels.KIND_LABELS,
        ENTITY_LABELS=labels.ENTITY_LABELS,
        STATUS_LABELS=labels.STATUS_LABELS,
        MODE_LABELS=labels.MODE_LABELS,
        ANSWER_KINDS=labels.ANSWER_KINDS,
    )
    env.filters.update(
        number=labels.number_fr,
        percent=labels.percent,
        value=labels.value_fr,
        reason=labels.french_reason,
        path=lambda p: " › ".join(p or ()),
    )
    return env


# -- query parameters ------------------------------------------------------------------------
def text_param(request: Request, name: str, limit: int = MAX_PARAM) -> str:
    value = request.query_params.get(name, "")
    if len(value) > limit:
        raise HTTPException(400, f"Paramètre « {name} » trop long ({len(value)} caractères, {limit} au plus).")
    return value.strip()


def int_param(request: Request, name: str, lo: int, hi: int, default: int | None = None) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if len(raw) > 12 or not raw.lstrip("-").isdigit():
        raise HTTPException(400, f"Paramètre « {name} » : un nombre entier est attendu.")
    value = int(raw)
    if not lo <= value <= hi:
        raise HTTPException(400, f"Paramètre « {name} » : entre {lo} et {hi}.")
    return value


def choice_param(request: Request, name: str, allowed: dict[str, Any] | tuple[str, ...] | list[str]) -> str:
    value = text_param(request, name)
    if value and value not in allowed:
        raise HTTPException(400, f"Paramètre « {name} » : valeur inconnue.")
    return value


def url_for_query(path: str, params: dict[str, Any], **changes: Any) -> str:
    """``path`` with the query ``params`` (empty values dropped) changed by ``changes``."""
    merged = {**params, **changes}
    clean = {k: v for k, v in merged.items() if v not in (None, "")}
    return path + ("?" + urlencode(clean) if clean else "")


# -- the application --------------------------------------------------------------------------
def create_app(settings: Settings, allowed_hosts: list[str] | None = None) -> Starlette:
    """The web application over the index of ``settings`` (opened once, on the first request).

    ``allowed_hosts``: Host headers accepted (default: this machine's names only, which also
    stops a DNS-rebinding page from reading the index)."""
    service = Service(settings)
    env = _environment()

    def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        params = dict(request.query_params)
        html = env.get_template(template).render(
            request=request, params=params, url=lambda path, **kw: url_for_query(path, params, **kw), **context
        )
        return HTMLResponse(html, status_code=status)

    from greffier.web import routes

    handlers = routes.Handlers(service, page)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        titles = {400: "Requête invalide", 404: "Introuvable", 405: "Méthode non permise"}
        detail = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "Cette page n'existe pas."
        return page(
            request, "error.html", {"title": titles.get(exc.status_code, "Erreur"), "detail": detail}, exc.status_code
        )

    async def library_error(request: Request, exc: Exception) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400 if isinstance(exc, UsageError) else 500
        title = {404: "Introuvable", 400: "Requête invalide"}.get(status, "Erreur de l'index")
        return page(request, "error.html", {"title": title, "detail": str(exc)}, status)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error on %s", request.url.path, exc_info=exc)
        detail = "Une erreur inattendue s'est produite ; elle est consignée dans le journal du serveur."
        return page(request, "error.html", {"title": "Erreur interne", "detail": detail}, 500)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        service.close()

    hosts = allowed_hosts if allowed_hosts is not None else LOCAL_HOSTS
    app = Starlette(
        debug=False,
        routes=[
            Route("/", handlers.search),
            Route("/question", handlers.question),
            Route("/page/{doc_id}/{number:int}", handlers.page_view),
            Route("/image/{doc_id}/{number:int}.png", handlers.page_image),
            Route("/document/{doc_id}", handlers.document),
            Route("/documents", handlers.documents),
            Route("/deliberations", handlers.deliberations),
            Route("/tableaux", handlers.tables),
            Route("/tableau/{table_id}", handlers.table),
            Route("/indicateurs", handlers.indicators),
            Route("/directions", handlers.directions),
            Mount("/static", app=StaticFiles(directory=STATIC, follow_symlink=False), name="static"),
        ],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts), Middleware(_SecurityHeaders)],
        exception_handlers={HTTPException: http_error, GreffierError: library_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.service = service
    return app


def file_response(path: Path) -> FileResponse:
    return FileResponse(path, media_type="image/png", headers={"cache-control": "private, max-age=3600"})


__all__ = ["create_app", "svg_chart"]
