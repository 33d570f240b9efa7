"""Reading PDFs back in tests without a PDF library: page objects and the text shown by the
content streams (Flate-compressed or not). Enough for the PDFs reportlab writes."""

import base64
import contextlib
import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)
_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([\d.\s-]+)\]")


def pdf_pages(data: bytes) -> int:
    return len(_PAGE.findall(data))


def pdf_media_boxes(data: bytes) -> list[tuple[float, ...]]:
    return [tuple(float(v) for v in m.split()) for m in _MEDIABOX.findall(data)]


def _unescape(raw: bytes) -> str:
    body = raw[1:-1]
    body = re.sub(rb"\\([()\\])", rb"\1", body)
    return body.decode("latin-1")


def _decode(stream: bytes) -> bytes:
    """Undo ASCII85 (reportlab's default) and Flate, whichever apply."""
    candidates = [stream]
    text = stream.strip()
    if text.endswith(b"~>"):
        with contextlib.suppress(ValueError):
            candidates.insert(0, base64.a85decode(text[:-2].replace(b"\n", b"")))
    for candidate in candidates:
        try:
            return zlib.decompress(candidate)
        except zlib.error:
            continue
    return candidates[0]


def pdf_text(data: bytes) -> str:
    """Every string the content streams draw, joined by spaces."""
    parts: list[str] = []
    for stream in _STREAM.findall(data):
        content = _decode(stream)
        if b"BT" not in content:
            continue
        parts.extend(_unescape(s) for s in _STRING.findall(content))
    return " ".join(parts)
