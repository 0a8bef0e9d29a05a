"""HTML → PDF with xhtml2pdf, with an embedded CJK font (never boxes, never a silent fallback).

xhtml2pdf confines local reads to the working directory unless told otherwise, so the font
folder is named in the resource policy; remote fetches are off (firms run offline).
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app, render_template
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from config import BASE_DIR

REPORTS_DIR = BASE_DIR / "reports"
DEFAULT_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


class PdfError(RuntimeError):
    pass


def cjk_font_path() -> Path:
    path = Path(current_app.config.get("LOANDESK_CJK_FONT") or DEFAULT_CJK_FONT)
    if not path.is_file():
        raise PdfError(f"CJK font not found at {path}: run `make run` (installs "
                       "fonts-wqy-microhei) or set LOANDESK_CJK_FONT to a .ttf/.ttc file")
    return path


def render_pdf(template: str, **context) -> bytes:
    """Render ``reports/<template>`` (Jinja, autoescaped) to PDF bytes."""
    html = render_template(template, cjk_font=cjk_font_path().as_uri(), **context)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    font = cjk_font_path()
    # Fonts and the firm's seal image (kept under instance/) may be read; nothing remote.
    policy = ResourceAccessPolicy(allow_remote=False, base_dir=REPORTS_DIR,
                                  extra_roots=[font.parent, Path(current_app.instance_path)])
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=policy)
    if result.err:
        raise PdfError(f"PDF rendering failed with {result.err} error(s)")
    return out.getvalue()
