"""The handlers of each page: read and bound the query string, ask the service, fill a template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from greffier.errors import GreffierError
from greffier.records import DOC_KINDS, ENTITY_TYPES
from greffier.search.hybrid import DEFAULT_MODE, MODES
from greffier.web import registers as reg
from greffier.web.app import MAX_HIGHLIGHT, MAX_PARAM, MAX_QUERY, choice_param, file_response, int_param, text_param
from greffier.web.chart import svg_chart
from greffier.web.service import MAX_RESULT_PAGE, Service
from greffier.web.text import UNIT_LABELS

REGISTER_PAGE = 50  # rows per page of a register
YEARS = (1900, 2200)
EXPORTS = ("csv", "json")


class Handlers:
    def __init__(self, service: Service, page: Callable[..., HTMLResponse]) -> None:
        self.s = service
        self.page = page

    # -- recherche -------------------------------------------------------------------
    async def search(self, request: Request) -> Response:
        q = text_param(request, "q", MAX_QUERY)
        mode = choice_param(request, "mode", MODES) or DEFAULT_MODE
        year = int_param(request, "annee", *YEARS)
        issuer = text_param(request, "emetteur")
        kind = choice_param(request, "type", DOC_KINDS)
        etype = choice_param(request, "entite", ENTITY_TYPES)
        n = int_param(request, "p", 1, MAX_RESULT_PAGE, 1) or 1
        choices = await self.s.run(self.s.choices)
        context: dict[str, Any] = {"q": q, "mode": mode, "choices": choices, "active": "search", "result": None}
        if q:
            try:
                context["result"] = await self.s.run(
                    self.s.search, q, mode, year, issuer or None, kind or None, etype or None, n
                )
            except GreffierError as exc:  # bad syntax, no vectors for semantic search, unknown issuer
                context["error"] = str(exc)
                return self.page(request, "search.html", context, 400)
            context["current_page"] = n
        return self.page(request, "search.html", context)

    # -- question --------------------------------------------------------------------
    async def question(self, request: Request) -> Response:
        q = text_param(request, "q", MAX_QUERY)
        year = int_param(request, "annee", *YEARS)
        issuer = text_param(request, "emetteur")
        trend = request.query_params.get("serie") == "1"
        choices = await self.s.run(self.s.choices)
        context: dict[str, Any] = {"q": q, "choices": choices, "active": "question", "answer": None}
        if q:
            try:
                answer = await self.s.run(self.s.ask, q, year, issuer or None, trend)
            except GreffierError as exc:
                context["error"] = str(exc)
                return self.page(request, "question.html", context, 400)
            context["answer"] = answer
            if answer.get("kind") == "trend" and answer.get("series"):
                unit = answer.get("unit") or answer["series"][0].get("unit")
                context["chart"] = svg_chart(
                    answer["series"], answer.get("missing", []), UNIT_LABELS.get(unit or "", unit or "")
                )
                years = [r["year"] for r in answer["series"]] + list(answer.get("missing", []))
                by_year = {r["year"]: r for r in answer["series"]}
                context["rows"] = [(y, by_year.get(y)) for y in range(min(years), max(years) + 1)]
        return self.page(request, "question.html", context)

    # -- page view -------------------------------------------------------------------
    async def page_view(self, request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        number = int(request.path_params["number"])
        hl = text_param(request, "hl", MAX_HIGHLIGHT)
        passage = text_param(request, "passage")
        needles = [hl] if hl else []
        if passage:
            found = await self.s.run(self.s.passage_text, passage)
            if found:
                needles.append(found)
        view = await self.s.run(self.s.page_view, doc_id, number, needles)
        view["active"] = "documents"
        view["hl"] = hl
        return self.page(request, "page.html", view)

    async def page_image(self, request: Request) -> Response:
        path = await self.s.run(self.s.page_png, request.path_params["doc_id"], int(request.path_params["number"]))
        return file_response(path)

    # -- documents -------------------------------------------------------------------
    async def documents(self, request: Request) -> Response:
        view = await self.s.run(self.s.documents_view)
        view["active"] = "documents"
        return self.page(request, "documents.html", view)

    async def document(self, request: Request) -> Response:
        view = await self.s.run(self.s.document_view, request.path_params["doc_id"])
        view["active"] = "documents"
        return self.page(request, "document.html", view)

    # -- registres -------------------------------------------------------------------
    async def deliberations(self, request: Request) -> Response:
        f = reg.DelibFilters(
            issuer=text_param(request, "emetteur"),
            year=int_param(request, "annee", *YEARS),
            body=text_param(request, "instance"),
            vote=choice_param(request, "vote", reg.VOTES),
            amount_min=reg.parse_amount(text_param(request, "min")),
            amount_max=reg.parse_amount(text_param(request, "max")),
            text=text_param(request, "objet"),
        )
        fmt = choice_param(request, "format", (*EXPORTS, "scdl"))
        n = int_param(request, "p", 1, 100_000, 1) or 1

        def build() -> tuple[list[Any], dict[str, Any], list[str]]:
            docs = self.s.docs_by_id()
            every = self.s.deliberations(f.year)
            kept = [d for d in every if f.keep(d, docs.get(d.doc_id))]
            bodies = sorted({d.body for d in every if d.body})
            return kept, docs, bodies

        kept, docs, bodies = await self.s.run(build)
        if fmt == "scdl":
            from greffier.extract.scdl import SCDL_COLUMNS, scdl_rows

            rows = scdl_rows(kept, docs)  # COLL_NOM: the canonical issuer over every document
            return _download(reg.to_csv(rows, list(SCDL_COLUMNS)), "deliberations-scdl.csv", "text/csv")
        if fmt:
            rows = [reg.delib_row(d, docs.get(d.doc_id)) for d in kept]
            return _export(rows, reg.DELIB_COLUMNS, fmt, "deliberations")
        choices = await self.s.run(self.s.choices)
        shown = kept[(n - 1) * REGISTER_PAGE : n * REGISTER_PAGE]
        return self.page(
            request,
            "deliberations.html",
            {
                "active": "registres",
                "rows": shown,
                "total": len(kept),
                "docs": docs,
                "bodies": bodies,
                "choices": choices,
                "votes": reg.VOTES,
                "current_page": n,
                "pages": max(1, -(-len(kept) // REGISTER_PAGE)),
            },
        )

    async def tables(self, request: Request) -> Response:
        issuer = text_param(request, "emetteur")
        year = int_param(request, "annee", *YEARS)
        text = text_param(request, "texte")
        fmt = choice_param(request, "format", EXPORTS)
        n = int_param(request, "p", 1, 100_000, 1) or 1

        def build() -> tuple[list[Any], dict[str, Any]]:
            docs = self.s.docs_by_id()
            kept = [t for t in self.s.tables() if reg.keep_table(t, docs.get(t.doc_id), issuer, year, text)]
            return kept, docs

        kept, docs = await self.s.run(build)
        if fmt == "csv":
            return _export([reg.table_row(t, docs.get(t.doc_id)) for t in kept], reg.TABLE_COLUMNS, fmt, "tableaux")
        if fmt == "json":
            rows = [{**reg.table_row(t, docs.get(t.doc_id)), "rows": reg.table_grid(t)} for t in kept]
            return _export(rows, reg.TABLE_COLUMNS, fmt, "tableaux")
        choices = await self.s.run(self.s.choices)
        shown = [reg.table_row(t, docs.get(t.doc_id)) for t in kept[(n - 1) * REGISTER_PAGE : n * REGISTER_PAGE]]
        return self.page(
            request,
            "tables.html",
            {
                "active": "registres",
                "rows": shown,
                "total": len(kept),
                "choices": choices,
                "docs": docs,
                "current_page": n,
                "pages": max(1, -(-len(kept) // REGISTER_PAGE)),
            },
        )

    async def table(self, request: Request) -> Response:
        table_id = request.path_params["table_id"]
        if len(table_id) > MAX_PARAM:
            raise HTTPException(404, "Tableau inconnu.")
        fmt = choice_param(request, "format", EXPORTS)
        t = await self.s.run(self.s.table, table_id)
        doc = await self.s.run(self.s.document, t.doc_id)
        grid = reg.table_grid(t)
        if fmt == "csv":
            width = max((len(r) for r in grid), default=0)
            cols = [str(i) for i in range(width)]
            rows = [{str(i): v for i, v in enumerate(r)} for r in grid]
            return _download(reg.to_csv(rows, cols).split("\r\n", 1)[1], f"{_safe_name(table_id)}.csv", "text/csv")
        if fmt == "json":
            return _export([{**reg.table_row(t, doc), "rows": grid}], [], "json", _safe_name(table_id))
        return self.page(
            request,
            "table.html",
            {"active": "registres", "t": t, "doc": doc, "grid": grid, "header_rows": len(t.header_rows)},
        )

    async def indicators(self, request: Request) -> Response:
        code = text_param(request, "code")
        issuer = text_param(request, "emetteur")
        year_raw = text_param(request, "annee")
        year = int(year_raw) if year_raw.isdigit() and len(year_raw) == 4 else None
        fmt = choice_param(request, "format", EXPORTS)
        rows = await self.s.run(self.s.indicators, code or None, issuer or None, year)
        if fmt:
            return _export(rows, reg.INDICATOR_COLUMNS, fmt, "indicateurs")
        return self.page(
            request,
            "indicators.html",
            {"active": "registres", "rows": rows[:500], "total": len(rows)},
        )

    async def directions(self, request: Request) -> Response:
        doc_id = text_param(request, "document")
        text = text_param(request, "texte")
        fmt = choice_param(request, "format", EXPORTS)
        rows = await self.s.run(self.s.directions, doc_id or None)
        if text:
            from greffier.extract.headings import fold

            wanted = fold(text)
            rows = [r for r in rows if wanted in fold(" ".join(str(r.get(k) or "") for k in ("canonical", "acronym")))]
        if fmt:
            return _export(rows, reg.DIRECTION_COLUMNS, fmt, "directions")
        docs = await self.s.run(self.s.documents)
        return self.page(
            request,
            "directions.html",
            {"active": "registres", "rows": rows[:500], "total": len(rows), "documents": docs, "doc_id": doc_id},
        )


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80] or "export"


def _download(body: str, filename: str, media_type: str) -> Response:
    return Response(
        body,
        media_type=f"{media_type}; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{_safe_name(filename.rsplit(".", 1)[0])}.'
            f'{filename.rsplit(".", 1)[1]}"'
        },
    )


def _export(rows: list[dict[str, Any]], columns: list[str], fmt: str, name: str) -> Response:
    if fmt == "csv":
        return _download(reg.to_csv(rows, columns), f"{name}.csv", "text/csv")
    return _download(reg.to_json(rows), f"{name}.json", "application/json")
