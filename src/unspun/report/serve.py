"""`unspun serve`: the static report served read-only on the loopback interface.

Only GET/HEAD of three documents (`/` the HTML report, `/stories.json`, `/stories.md`); every other method
is refused. Binds to loopback only, and checks the Host header so that a DNS-rebinding page cannot read it.
The page is rendered once at start (the store is not held open while serving).
"""

from __future__ import annotations

import ipaddress
import json
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .html import CSP, render_html
from .markdown import render_markdown

HEADERS = {
    "Content-Security-Policy": CSP + "; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_result(result_or_db: Any) -> dict:
    """A run's output dict from: the dict itself, a stories.json path, or an unspun DuckDB store path."""
    if isinstance(result_or_db, dict):
        return result_or_db
    path = Path(result_or_db)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.suffix.lower() == ".json":
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    from ..pipeline import Options, Pipeline  # a store: rebuild the result as `unspun report --db` does
    from ..store import Store

    with Store(str(path)) as store:
        return Pipeline(store, Options(progress="quiet")).result()


class _Handler(BaseHTTPRequestHandler):
    server_version = "unspun"
    sys_version = ""
    docs: dict[str, tuple[bytes, str]] = {}
    allowed_hosts: frozenset[str] = frozenset()

    def _send(self, status: int, body: bytes, ctype: str, head_only: bool = False, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in {**HEADERS, **(extra or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _get(self, head_only: bool) -> None:
        host = (self.headers.get("Host") or "").lower()
        if host not in self.allowed_hosts:
            self._send(HTTPStatus.MISDIRECTED_REQUEST, b"unexpected Host\n", "text/plain; charset=utf-8", head_only)
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        doc = self.docs.get(path)
        if doc is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head_only)
            return
        self._send(HTTPStatus.OK, doc[0], doc[1], head_only)

    def do_GET(self) -> None:  # noqa: N802
        self._get(False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._get(True)

    def _refuse(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED, b"read-only\n", "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD"}
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet: one line per request on stderr
        sys.stderr.write("unspun serve: %s\n" % (fmt % args))


def make_server(result_or_db: Any, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A ready (not yet serving) HTTP server for the report; port 0 picks a free port."""
    if not _is_loopback(host):
        raise ValueError(f"unspun serve binds to loopback only (127.0.0.1, ::1, localhost), not {host!r}")
    result = load_result(result_or_db)
    docs = {
        "/": (render_html(result).encode("utf-8"), "text/html; charset=utf-8"),
        "/stories.md": (render_markdown(result).encode("utf-8"), "text/markdown; charset=utf-8"),
        "/stories.json": (
            json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"),
            "application/json",
        ),
    }
    docs["/index.html"] = docs["/report.html"] = docs["/"]
    handler = type("Handler", (_Handler,), {"docs": docs})
    server_cls = ThreadingHTTPServer
    if ":" in host:
        import socket

        server_cls = type("Server6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
    server = server_cls((host.strip("[]"), port), handler)
    server.daemon_threads = True
    real_port = server.server_address[1]
    names = {"127.0.0.1", "localhost", "[::1]", host.lower()}
    handler.allowed_hosts = frozenset(
        {f"{n}:{real_port}" for n in names} | ({n for n in names} if real_port == 80 else set())
    )
    return server


def serve(result_or_db: Any, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the report read-only on http://host:port/ until interrupted (Ctrl-C)."""
    server = make_server(result_or_db, host=host, port=port)
    h, p = server.server_address[:2]
    shown = f"[{h}]" if ":" in str(h) else h
    print(f"unspun: serving the report on http://{shown}:{p}/ (read-only; Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


__all__ = ["serve", "make_server", "load_result"]
