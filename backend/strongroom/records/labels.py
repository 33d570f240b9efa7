"""Crate labels as PDF: a QR code of the crate code and the code in large type, with unit,
department and description.

Two layouts: ``single`` — one label per page, the page the size of a 100 x 50 mm thermal
label; ``sheet`` — A4 sheets of 2 x 7 labels (99.1 x 38.1 mm, the common L7163 stock). The QR
code is drawn as vector squares from segno's module matrix, so it prints sharp at any size.
"""

import io
from collections.abc import Iterable, Sequence

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from strongroom.records.models import Crate

SINGLE_SIZE = (100 * mm, 50 * mm)
SHEET_COLUMNS, SHEET_ROWS = 2, 7
SHEET_LABEL = (99.1 * mm, 38.1 * mm)
SHEET_MARGIN_LEFT, SHEET_MARGIN_TOP = 4.65 * mm, 15.15 * mm
SHEET_GAP_X = 2.5 * mm
LAYOUTS = ("sheet", "single")
FONT, FONT_BOLD = "Helvetica", "Helvetica-Bold"


def draw_qr(canvas: Canvas, text: str, *, x: float, y: float, size: float) -> None:
    """The QR code of ``text`` in a ``size`` square whose lower-left corner is (x, y),
    including the quiet zone."""
    qr = segno.make(text, error="m", micro=False)
    border = 2
    count = len(qr.matrix) + 2 * border
    module = size / count
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(qr.matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (col_index + border) * module,
                    y + size - (row_index + border + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )
    canvas.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits in ``width``."""
    measured = stringWidth(text, font, size)
    return size if measured <= width else max(size * width / measured, 5)


def _clip(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def draw_label(
    canvas: Canvas, crate: Crate, *, x: float, y: float, width: float, height: float
) -> None:
    pad = 2.5 * mm
    qr_size = height - 2 * pad
    draw_qr(canvas, crate.code, x=x + pad, y=y + pad, size=qr_size)
    text_x = x + 2 * pad + qr_size
    text_width = width - (text_x - x) - pad
    code_size = _fit(crate.code, FONT_BOLD, 16, text_width)
    top = y + height - pad
    canvas.setFont(FONT_BOLD, code_size)
    canvas.drawString(text_x, top - code_size, crate.code)
    line_y = top - code_size - 4.5 * mm
    details = [
        (FONT_BOLD, 9, f"{crate.unit.code} · {crate.department.code} · {crate.department.name}"),
        (FONT, 8, crate.description or ""),
    ]
    if crate.location_id and crate.location is not None:
        details.append((FONT, 8, f"Shelf {crate.location.full_code}"))
    for font, size, text in details:
        if not text or line_y < y + pad:
            continue
        canvas.setFont(font, size)
        canvas.drawString(text_x, line_y, _clip(text, font, size, text_width))
        line_y -= size + 2.5


def crate_labels_pdf(crates: Iterable[Crate], *, layout: str = "sheet") -> bytes:
    """One PDF with a label per crate, in the order given."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    items: Sequence[Crate] = list(crates)
    buffer = io.BytesIO()
    pagesize = SINGLE_SIZE if layout == "single" else A4
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle("Crate labels")
    canvas.setAuthor("Strongroom")
    canvas.setCreator("Strongroom")
    if layout == "single":
        for crate in items:
            draw_label(canvas, crate, x=0, y=0, width=SINGLE_SIZE[0], height=SINGLE_SIZE[1])
            canvas.showPage()
    else:
        per_page = SHEET_COLUMNS * SHEET_ROWS
        label_w, label_h = SHEET_LABEL
        for index, crate in enumerate(items):
            slot = index % per_page
            if index and slot == 0:
                canvas.showPage()
            row, column = divmod(slot, SHEET_COLUMNS)
            x = SHEET_MARGIN_LEFT + column * (label_w + SHEET_GAP_X)
            y = A4[1] - SHEET_MARGIN_TOP - (row + 1) * label_h
            draw_label(canvas, crate, x=x, y=y, width=label_w, height=label_h)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
