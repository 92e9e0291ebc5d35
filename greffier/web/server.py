"""Running the web application: in the foreground (``greffier serve``) or in a thread (tests, bench)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from greffier.errors import MissingDependencyError
from greffier.settings import Settings

log = logging.getLogger(__name__)


def _require() -> None:
    try:
        import jinja2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            f"greffier serve needs the web extra ({exc.name} is missing): pip install 'greffier[web]'"
        ) from exc


def build(settings: Settings, allowed_hosts: list[str] | None = None) -> Any:
    """The application, its index opened now (so that a missing index fails before listening)."""
    _require()
    from greffier.web.app import create_app

    app = create_app(settings, allowed_hosts=allowed_hosts)
    app.state.service.check()
    return app


def _hosts_for(host: str) -> list[str] | None:
    """Host headers accepted: this machine's names, plus the address listened on; any when
    listening on every interface (the user asked for it)."""
    from greffier.web.app import LOCAL_HOSTS

    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    return sorted({*LOCAL_HOSTS, host})


def serve(settings: Settings, host: str, port: int, echo: Callable[[str], None]) -> None:
    """Serve until interrupted."""
    app = build(settings, allowed_hosts=_hosts_for(host))
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    if host not in ("127.0.0.1", "localhost", "::1"):
        echo(f"warning: listening on {host}: anyone who can reach this address can read the index")
    echo(f"greffier: http://{shown}:{port}/ (index {settings.index_dir}); Ctrl+C to stop")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, access_log=False)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class BackgroundServer:
    """uvicorn serving the application in a thread of this process, on a free local port."""

    def __init__(self, settings: Settings, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.app = build(settings, allowed_hosts=_hosts_for(host))
        import uvicorn

        config = uvicorn.Config(self.app, host=host, port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="greffier-web-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
