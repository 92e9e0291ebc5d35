"""``greffier serve``: a read-only web application, in French, over an existing index.

Needs the ``web`` extra (Starlette, Jinja2, uvicorn): ``pip install 'greffier[web]'``. Imported
only by ``greffier serve``, so that the rest of the command line starts without it.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from greffier.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)
