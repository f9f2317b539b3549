"""Self-contained static HTML report: one file, no scripts, no network, safe against hostile article text.

Navigation is CSS-only (`:target`, `:has()`, `<details>`), so the Content-Security-Policy forbids every
script. All values go through Jinja2 autoescape; URLs are reduced to http(s) by `view.safe_url`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from .view import build_view

#: The page's Content-Security-Policy: no scripts at all, no remote loads of any kind.
CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
    "connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(Path(__file__).with_name("templates"))),
            autoescape=True,  # templates are *.j2: turn escaping on for all of them, unconditionally
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _ENV


def render_html(result: dict) -> str:
    """The whole report for a run's output dict (the stories.json shape) as one HTML string.

    Deterministic: the same dict gives the same string. Never raises on missing or empty fields.
    """
    view = build_view(result)
    n = len(view["stories"])
    title = "unspun: " + (view["stories"][0]["headline"] if n == 1 else f"{n} stories")
    # CSP is our own constant (no input in it): mark it safe so the attribute stays readable
    return _env().get_template("report.html.j2").render(v=view, csp=markupsafe.Markup(CSP), title=title)


def write_html(result: dict, path: str | os.PathLike[str]) -> Path:
    """Render and write the report (UTF-8, LF line ends); returns the path written."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    data = render_html(result).encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


__all__ = ["CSP", "render_html", "write_html"]


def _main(argv: Any = None) -> int:  # pragma: no cover - convenience: python -m unspun.report.html in.json out.html
    import json
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m unspun.report.html STORIES.json OUT.html", file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as fh:
        write_html(json.load(fh), args[1])
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
