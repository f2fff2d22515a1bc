"""Everything that leaves the data for an HTML page goes through here.

Two routes only: text for HTML (entity-escaped) and values for the page script (JSON that cannot close its
<script> element). Links are kept only when their scheme is http or https.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlsplit

# Characters that could end a <script> element, open a comment, or break a JavaScript string literal.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def text(value: object) -> str:
    """A value as HTML text or attribute content (quotes escaped too)."""
    return html.escape("" if value is None else str(value), quote=True)


def script_json(value: Any) -> str:
    """JSON for a <script type="application/json"> block: no '<', '>' or '&' survive, so '</script>' cannot."""
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group(0)], encoded)


def safe_url(url: object) -> str | None:
    """The URL when it is an absolute http(s) link without spaces or control characters, else None."""
    if not isinstance(url, str) or not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def inline_script(code: str) -> str:
    """Library code for an inline <script>: a literal '</script' or '<!--' inside a string would end it early."""
    code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
    return code.replace("<!--", "<\\!--")


def inline_style(css: str) -> str:
    """Library CSS for an inline <style>."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
