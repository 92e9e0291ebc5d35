"""Tables cut by a page break: the next page's first table joined to the last one of the page
before when the columns match, no new header comes and no text stands between them.
"""

from __future__ import annotations

from greffier.extract.headings import fold
from greffier.extract.pdf import LayoutLine, PageLayout
from greffier.extract.table_grid import Grid
from greffier.extract.table_shape import Shape, shape


def join_grids(upper: Grid, lower: Grid, lower_shape: Shape) -> Grid:
    """``lower`` (the next page's first table) appended to ``upper``, its repeated header dropped."""
    skip = lower_shape.headers
    shift = len(upper.texts)
    return Grid(
        page=upper.page,
        bbox=upper.bbox,
        strategy=upper.strategy,
        ids=upper.ids + tuple(tuple(i + shift for i in row) for row in lower.ids[skip:]),
        texts=upper.texts + lower.texts,
        col_x=upper.col_x,
        row_pages=upper.row_pages + lower.row_pages[skip:],
    )


def continues(upper: Grid, lower: Grid, upper_shape: Shape, lower_shape: Shape) -> bool:
    """Whether ``lower`` carries on ``upper`` over a page break: same columns, and no new header."""
    if upper.n_cols != lower.n_cols or lower.page != upper.row_pages[-1] + 1:
        return False
    if any(abs(a - b) > 8 for a, b in zip(upper.col_x, lower.col_x)):
        return False
    if lower_shape.headers:
        heads = [[fold(upper.text(r, c)) for c in range(upper.n_cols)] for r in range(upper_shape.headers)]
        again = [[fold(lower.text(r, c)) for c in range(lower.n_cols)] for r in range(lower_shape.headers)]
        return heads == again
    return True


def _wordy(line: LayoutLine) -> bool:
    return len(line.text.split()) > 3


def join_pages(grids: list[Grid], layouts: dict[int, PageLayout]) -> list[Grid]:
    """Grids with the tables continued over a page break joined."""
    out: list[Grid] = []
    shapes: list[Shape] = []
    for grid in grids:
        sh = shape(grid)
        if out:
            upper = out[-1]
            last_page = upper.row_pages[-1]
            last_on_page = not any(g.page == last_page and g.bbox[1] > upper.bbox[1] for g in grids if g is not upper)
            first_on_page = not any(g.page == grid.page and g.bbox[1] < grid.bbox[1] for g in grids)
            if (
                last_on_page
                and first_on_page
                and continues(upper, grid, shapes[-1], sh)
                and not _text_between(upper, grid, layouts)
            ):
                out[-1] = join_grids(upper, grid, sh)
                continue
        out.append(grid)
        shapes.append(sh)
    return out


def _text_between(upper: Grid, lower: Grid, layouts: dict[int, PageLayout]) -> bool:
    """Whether text stands between a table's end and the next page's table."""
    up, low = layouts.get(upper.row_pages[-1]), layouts.get(lower.page)
    if up is None or low is None:
        return True
    bottom = max(upper.bbox[3], 0.0)
    if any(_wordy(ln) and ln.top > bottom + 2 and ln.bottom < 0.9 * up.height for ln in up.lines):
        return True
    return any(_wordy(ln) and ln.bottom < lower.bbox[1] - 2 and ln.top > 0.08 * low.height for ln in low.lines)
