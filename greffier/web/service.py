"""What the web pages show, read from one :class:`greffier.api.Greffier`.

The index is opened once and used from one thread only (SQLite connections, the keyword index
and PDFium are not shared between threads): every call goes through :meth:`Service.run`, which
queues it on that thread. The pages only read; the one thing written is the cache of rendered
page images in ``<index>/web-cache/``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from greffier.errors import NotFoundError, UsageError
from greffier.records import Document, SearchHit
from greffier.settings import Settings
from greffier.web import pages
from greffier.web.text import highlight, mark_query

log = logging.getLogger(__name__)

T = TypeVar("T")

CACHE_DIR = "web-cache"
PER_PAGE = 10
FACET_DEPTH = 200  # results counted in the facets
MAX_RESULT_PAGE = FACET_DEPTH // PER_PAGE


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        self.cache_dir = self.index_dir / CACHE_DIR
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="greffier-web")
        self._greffier: Any = None
        self._memo: dict[str, tuple[Any, Any]] = {}

    # -- the one thread --------------------------------------------------------------
    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    @property
    def g(self) -> Any:
        if self._greffier is None:
            from greffier.api import Greffier

            g = Greffier(self.settings)
            g.store  # noqa: B018 - opens the index, raising NotFoundError when there is none
            self._greffier = g
        return self._greffier

    def check(self) -> None:
        """Open the index now (raises when there is none)."""
        self._executor.submit(lambda: self.g).result()

    def close(self) -> None:
        def _close() -> None:
            if self._greffier is not None:
                self._greffier.close()
                self._greffier = None

        self._executor.submit(_close).result()
        self._executor.shutdown(wait=True)

    def _version(self) -> tuple[float, ...]:
        """Changes when the store does (an ingest while the server runs)."""
        out = []
        for name in ("greffier.sqlite", "greffier.sqlite-wal"):
            try:
                out.append((self.index_dir / name).stat().st_mtime)
            except OSError:
                out.append(0.0)
        return tuple(out)

    def _memoized(self, key: str, build: Callable[[], T]) -> T:
        version = self._version()
        hit = self._memo.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]  # type: ignore[no-any-return]
        value = build()
        self._memo[key] = (version, value)
        return value

    # -- documents -------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return self._memoized("documents", self.g.documents)

    def docs_by_id(self) -> dict[str, Document]:
        return self._memoized("docs_by_id", lambda: {d.doc_id: d for d in self.documents()})

    def document(self, doc_id: str) -> Document:
        doc = self.docs_by_id().get(doc_id)
        if doc is None:
            raise NotFoundError("document inconnu")
        return doc

    def choices(self) -> dict[str, list[Any]]:
        """The values a filter can take: years, issuers, kinds."""

        def build() -> dict[str, list[Any]]:
            docs = self.documents()
            return {
                "years": sorted({d.year for d in docs if d.year}, reverse=True),
                "issuers": sorted({d.issuer for d in docs if d.issuer}),
                "kinds": sorted({d.kind for d in docs}),
            }

        return self._memoized("choices", build)

    def documents_view(self) -> dict[str, Any]:
        return {"documents": self.documents(), "failures": self.g.failures(), "status": self.g.store.counts()}

    def document_view(self, doc_id: str) -> dict[str, Any]:
        doc = self.document(doc_id)
        return {
            "doc": doc,
            "sections": self.g.sections(doc_id),
            "tables": self.g.tables(doc_id),
            "deliberations": self.g.deliberations(doc_id),
            "ocr_pages": sorted(p.number for p in self.g.store.pages(doc_id) if p.ocr),
        }

    # -- search ----------------------------------------------------------------------
    def search(
        self,
        query: str,
        mode: str,
        year: int | None,
        issuer: str | None,
        kind: str | None,
        entity_type: str | None,
        page: int,
    ) -> dict[str, Any]:
        """One page of results, the facets of the first :data:`FACET_DEPTH` results."""
        g = self.g
        filters = g.filters(year=year, issuer=issuer, kind=kind)
        # the entity-type filter and facet are read here, over the documents' entities (one
        # indexed look-up per document), rather than by a join per passage
        depth = FACET_DEPTH * 5 if entity_type else FACET_DEPTH
        hits: list[SearchHit] = g.search(query, filters, limit=depth, mode=mode, snippets=False)
        holding = self._entity_types(hits)
        if entity_type:
            hits = [h for h in hits if entity_type in holding.get(h.passage_id, ())][:FACET_DEPTH]
        used_mode = hits[0].mode if hits else mode
        facets = {
            "year": Counter(h.year for h in hits if h.year),
            "issuer": Counter(h.issuer for h in hits if h.issuer),
            "kind": Counter(h.kind for h in hits if h.kind),
            "type": Counter(t for h in hits for t in holding.get(h.passage_id, ())),
        }
        shown = hits[(page - 1) * PER_PAGE : page * PER_PAGE]
        from greffier.index.keyword import make_snippet
        from greffier.search.query import parse_query

        q = parse_query(query)
        results = [
            {"hit": h, "snippet": highlight(mark_query(h.text, lambda t: make_snippet(t, q, g.keyword.analyze)))}
            for h in shown
        ]
        return {
            "results": results,
            "total": len(hits),
            "capped": len(hits) >= FACET_DEPTH,
            "pages": max(1, -(-len(hits) // PER_PAGE)),
            "facets": {k: sorted(v.items(), key=lambda kv: (-kv[1], str(kv[0]))) for k, v in facets.items()},
            "mode_used": used_mode,
        }

    def _entity_types(self, hits: list[SearchHit]) -> dict[str, set[str]]:
        """The entity types each hit's passage holds: inside its span, or, for a table row,
        one of its cells (as :meth:`Store.passages_holding` reads them)."""
        store = self.g.store
        passages = store.passages_by_id([h.passage_id for h in hits])
        by_section: dict[str, list[Any]] = {}
        for p in passages.values():
            by_section.setdefault(p.section_id, []).append(p)
        spans = self._entity_spans()
        out: dict[str, set[str]] = {}
        for section_id, ps in by_section.items():
            for entity_id, etype, start, end in spans.get(section_id, ()):
                for p in ps:
                    inside = p.start < p.end and start >= p.start and end <= p.end
                    if inside or (p.start == p.end and entity_id.startswith(p.passage_id)):
                        out.setdefault(p.passage_id, set()).add(etype)
        return out

    def _entity_spans(self) -> dict[str, list[tuple[str, str, int, int]]]:
        """Every entity's (id, type, start, end) by section, read once per version of the store."""

        def build() -> dict[str, list[tuple[str, str, int, int]]]:
            out: dict[str, list[tuple[str, str, int, int]]] = {}
            for e in self.g.store.entities():
                out.setdefault(e.section_id, []).append((e.entity_id, e.type, e.start, e.end))
            return out

        return self._memoized("entity_spans", build)

    # -- answers ---------------------------------------------------------------------
    def ask(self, question: str, year: int | None, issuer: str | None, trend: bool) -> dict[str, Any]:
        if trend:
            return self.g.trend(question, issuer=issuer)
        return self.g.ask(question, year=year, issuer=issuer)

    # -- pages -----------------------------------------------------------------------
    def page_view(self, doc_id: str, number: int, needles: list[str]) -> dict[str, Any]:
        doc = self.document(doc_id)
        if not 1 <= number <= max(doc.pages, 1):
            raise NotFoundError("page inconnue")
        store = self.g.store
        text = store.page_text(doc_id, number)
        ocr = store.ocr_pages([(doc_id, number)])
        is_ocr = (doc_id, number) in ocr
        source = self._source(doc)
        boxes: list[pages.Box] = []
        note = None
        if source is None:
            note = (
                "le fichier source n'est plus à l'endroit où il a été indexé"
                if doc.source_type == "pdf"
                else "document texte : pas d'image de page"
            )
        elif needles:
            try:
                boxes = self._boxes(doc, source, number, needles, is_ocr)
            except Exception as exc:  # a damaged file: show the page without highlight
                log.warning("highlight on %s p.%d failed: %s", doc_id, number, exc)
            if not boxes:
                note = "le passage cité n'a pas été retrouvé tel quel sur l'image de la page"
        return {
            "doc": doc,
            "number": number,
            "text": pages.mark_text(text or "", needles),
            "marked": bool(needles),
            "ocr": is_ocr,
            "ocr_conf": ocr.get((doc_id, number)),
            "image": source is not None,
            "boxes": boxes,
            "note": note,
        }

    def _source(self, doc: Document) -> Path | None:
        """The PDF a document was read from, when it is still there (never a path from a request)."""
        if doc.source_type != "pdf":
            return None
        path = Path(doc.path)
        return path if path.is_file() else None

    def _boxes(self, doc: Document, source: Path, number: int, needles: list[str], is_ocr: bool) -> list[pages.Box]:
        if not is_ocr:
            return pages.text_layer_boxes(source, number, needles)
        from greffier.extract.ocr_cache import CACHE_NAME, OcrCache

        cache_path = self.index_dir / CACHE_NAME
        if not cache_path.exists():
            return []
        cache = OcrCache(cache_path)
        try:
            ocr_page = cache.pages(doc.sha256).get(number)
        finally:
            cache.close()
        if ocr_page is None or ocr_page.rotation:
            return []
        lines = [[[w.text, w.x0, w.top, w.x1, w.bottom, w.conf] for w in ln.words] for ln in ocr_page.lines]
        width, height = pages.page_size(source, number)
        return pages.ocr_boxes(lines, width, height, needles)  # type: ignore[arg-type]

    def page_png(self, doc_id: str, number: int) -> Path:
        doc = self.document(doc_id)
        if not 1 <= number <= doc.pages:
            raise NotFoundError("page inconnue")
        source = self._source(doc)
        if source is None:
            raise NotFoundError("pas d'image pour cette page")
        return pages.render_png(source, number, self.cache_dir, doc.sha256[:24])

    def passage_text(self, passage_id: str) -> str | None:
        found = self.g.store.passages_by_id([passage_id])
        return found[passage_id].text if passage_id in found else None

    # -- registers -------------------------------------------------------------------
    def deliberations(self, year: int | None) -> list[Any]:
        return self._memoized(f"delib:{year}", lambda: self.g.deliberations(year=year))

    def tables(self) -> list[Any]:
        return self._memoized("tables", self.g.tables)

    def table(self, table_id: str) -> Any:
        return self.g.table(table_id)

    def indicators(self, code: str | None, issuer: str | None, year: int | None) -> list[dict[str, Any]]:
        """Indicator records (RPQS indicators, budget aggregates) as rows, filtered."""
        from greffier.records import to_dict

        key = f"indicators:{code}:{issuer}:{year}"
        return self._memoized(key, lambda: [to_dict(r) for r in self.g.indicators(code or None, issuer or None, year)])

    def directions(self, doc_id: str | None) -> list[dict[str, Any]]:
        if doc_id:
            self.document(doc_id)
        return self._memoized(f"directions:{doc_id}", lambda: self.g.directions(doc_id))


def check_mode(mode: str) -> str:
    from greffier.search.hybrid import MODES

    if mode not in MODES:
        raise UsageError("mode de recherche inconnu")
    return mode
