"""Renderers for a run's output dict: a self-contained HTML report and a Markdown export.

    from unspun.report import render_html, write_html, render_markdown, write_markdown
    from unspun.report.serve import serve        # read-only local server (127.0.0.1 only)
"""

from .html import CSP, render_html, write_html
from .markdown import render_markdown, write_markdown

__all__ = ["CSP", "render_html", "write_html", "render_markdown", "write_markdown"]
