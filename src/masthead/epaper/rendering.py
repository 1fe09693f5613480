"""PDF work for the e-paper, with no Django in it (the benchmark runs it bare).

pypdfium2 (PDFium, Apache-2.0/BSD) opens, checks and renders pages and extracts their text;
pypdf (BSD) splits pages and stamps downloads; Pillow scales, crops and blurs images. See
docs/adr/0007-epaper-pdf-libraries-and-files.md for why these and not PyMuPDF (AGPL).

PDFium is not thread-safe: each worker process renders one edition at a time.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageFilter
from pypdf import PdfReader, PdfWriter, Transformation

# Widths in pixels. LARGE is what zoom shows; MEDIUM fills a desktop column or a phone at 2x.
LARGE_WIDTH = 1600
MEDIUM_WIDTH = 800
THUMB_WIDTH = 160
COVER_BLUR_WIDTH = 360
JPEG_QUALITY = 80
PDF_MAGIC = b"%PDF-"
# The PDF specification lets the header sit anywhere in the first 1,024 bytes.
HEADER_WINDOW = 1024


class Refusal(StrEnum):
    EMPTY = "empty"
    NOT_PDF = "not_pdf"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    TOO_LARGE = "too_large"


REFUSAL_MESSAGES = {
    Refusal.EMPTY: "The file is empty: {detail}. Export the edition again and upload the PDF.",
    Refusal.NOT_PDF: "The file is not a PDF ({detail}). Upload the edition exported as PDF.",
    Refusal.ENCRYPTED: (
        "The PDF is encrypted: {detail}. Export it again without a password or security "
        "settings and upload that."
    ),
    Refusal.CORRUPT: (
        "The PDF is corrupt and cannot be read ({detail}). Export it again from the layout "
        "program and upload the new file."
    ),
    Refusal.TOO_LARGE: (
        "The file is too large ({detail}). Reduce image resolution and export again."
    ),
}


# Both are "encrypted"; staff holding a file that opens without a password must be told why.
LOCKED_TO_OPEN = "it needs a password to open"
RESTRICTED_BY_OWNER = (
    "it opens without a password, but an owner password restricts it (printing, copying or "
    "changes), and downloads cannot be stamped into a restricted file"
)


class PdfRefused(Exception):
    """An upload that cannot become an edition; ``message`` says which problem and what to do."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        self.message = REFUSAL_MESSAGES[reason].format(detail=detail)
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class PdfFacts:
    page_count: int
    size_bytes: int


def _sniff(head: bytes) -> str:
    """What a non-PDF file looks like, for the refusal message."""
    kinds = {
        b"\x89PNG": "it looks like a PNG image",
        b"\xff\xd8\xff": "it looks like a JPEG image",
        b"PK\x03\x04": "it looks like a ZIP archive or Word/InDesign package",
        b"GIF8": "it looks like a GIF image",
        b"II*\x00": "it looks like a TIFF image",
        b"MM\x00*": "it looks like a TIFF image",
        b"\xd0\xcf\x11\xe0": "it looks like an old Word or Excel file",
    }
    for magic, label in kinds.items():
        if head.startswith(magic):
            return label
    if head.lstrip()[:1] in {b"<", b"{"}:
        return "it looks like a text, HTML or JSON file"
    return "it does not start with a PDF header"


def inspect_pdf(path: Path, *, max_bytes: int | None = None) -> PdfFacts:
    """Check a file is a readable, unencrypted PDF with pages; raise PdfRefused saying why not."""
    size = path.stat().st_size
    if size == 0:
        raise PdfRefused(Refusal.EMPTY, "0 bytes")
    if max_bytes is not None and size > max_bytes:
        raise PdfRefused(
            Refusal.TOO_LARGE,
            f"{size / 1_048_576:.0f} MB; the limit is {max_bytes // 1_048_576} MB",
        )
    with path.open("rb") as handle:
        head = handle.read(HEADER_WINDOW)
    if PDF_MAGIC not in head:
        raise PdfRefused(Refusal.NOT_PDF, _sniff(head))
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise PdfRefused(Refusal.ENCRYPTED, LOCKED_TO_OPEN) from exc
        raise PdfRefused(Refusal.CORRUPT, _pdfium_reason(exc)) from exc
    try:
        if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
            # Opens without a password but carries an owner password: stamping would break it.
            raise PdfRefused(Refusal.ENCRYPTED, RESTRICTED_BY_OWNER)
        count = len(pdf)
        if count == 0:
            raise PdfRefused(Refusal.EMPTY, "the PDF has no pages")
        for index in range(count):
            width, height = pdf[index].get_size()
            if width <= 0 or height <= 0:
                raise PdfRefused(Refusal.CORRUPT, f"page {index + 1} has no size")
    finally:
        pdf.close()
    return PdfFacts(page_count=count, size_bytes=size)


def _pdfium_reason(exc: Exception) -> str:
    text = str(exc)
    # "Failed to load document (PDFium: Data format error)." -> "Data format error"
    if "PDFium:" in text:
        return text.split("PDFium:", 1)[1].strip(" ).")
    return text or "PDFium could not open it"


@dataclass(frozen=True, slots=True)
class RenderedPage:
    number: int  # from 1
    width_pt: float
    height_pt: float
    large: bytes
    medium: bytes
    thumb: bytes
    text: str


def _jpeg(image: Image.Image, *, quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    # Baseline, not progressive: progressive encoding costs six times the time for 15% bytes.
    image.save(buffer, "JPEG", quality=quality, optimize=False)
    return buffer.getvalue()


def _scaled(image: Image.Image, width: int) -> Image.Image:
    factor = image.width // width
    if factor >= 2 and image.width == width * factor:
        return image.reduce(factor)  # box filter on exact multiples: 20x faster than Lanczos
    scaled = image.copy()
    scaled.thumbnail((width, image.height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return scaled


def render_pages(path: Path) -> Iterator[RenderedPage]:
    """Render each page once at the large size and scale down from it; one page in memory."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise PdfRefused(Refusal.CORRUPT, _pdfium_reason(exc)) from exc
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height = page.get_size()
                try:
                    bitmap = page.render(scale=LARGE_WIDTH / width, may_draw_forms=True)
                except pdfium.PdfiumError as exc:
                    raise PdfRefused(
                        Refusal.CORRUPT, f"page {index + 1} cannot be drawn: {exc}"
                    ) from exc
                image = bitmap.to_pil()
                if image.mode != "RGB":
                    image = image.convert("RGB")
                bitmap.close()
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            finally:
                page.close()
            medium = _scaled(image, MEDIUM_WIDTH)
            yield RenderedPage(
                number=index + 1,
                width_pt=float(width),
                height_pt=float(height),
                large=_jpeg(image),
                medium=_jpeg(medium),
                thumb=_jpeg(_scaled(medium, THUMB_WIDTH), quality=70),
                text=text.replace("\r\n", "\n").replace("\x00", ""),
            )
            image.close()
    finally:
        pdf.close()


def blurred_cover(medium_jpeg: bytes) -> bytes:
    """The front page as readers without the e-paper see it: small, and too blurred to read."""
    with Image.open(io.BytesIO(medium_jpeg)) as image:
        small = _scaled(image.convert("RGB"), COVER_BLUR_WIDTH)
    return _jpeg(small.filter(ImageFilter.GaussianBlur(radius=5)), quality=60)


@dataclass(frozen=True, slots=True)
class Clip:
    """A rectangle on a page in thousandths of its width and height (resolution-free)."""

    x: int
    y: int
    w: int
    h: int

    MIN = 20  # 2% of the page: smaller is a slip of the mouse, not a clip

    def __post_init__(self) -> None:
        if min(self.x, self.y) < 0 or self.w < self.MIN or self.h < self.MIN:
            raise ValueError("A clip must be at least 2% of the page wide and tall.")
        if self.x + self.w > 1000 or self.y + self.h > 1000:
            raise ValueError("A clip must lie within the page.")


def crop(large_jpeg: bytes, clip: Clip) -> bytes:
    with Image.open(io.BytesIO(large_jpeg)) as image:
        box = (
            image.width * clip.x // 1000,
            image.height * clip.y // 1000,
            image.width * (clip.x + clip.w) // 1000,
            image.height * (clip.y + clip.h) // 1000,
        )
        return _jpeg(image.convert("RGB").crop(box), quality=85)


@dataclass(frozen=True, slots=True)
class Licensee:
    """Who a download is for: written into its metadata and a footer on every page."""

    name: str
    email: str
    reference: str  # the download's reference, to trace a copy back to one download
    at: dt.datetime
    publisher: str


def _footer_overlay(width: float, height: float, line: str) -> PdfReader:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    sheet.setFont("Helvetica", 6)
    sheet.setFillGray(0.45)
    sheet.drawCentredString(width / 2, 6, line)
    sheet.showPage()
    sheet.save()
    buffer.seek(0)
    return PdfReader(buffer)


def stamped_pdf(
    source: bytes, *, licensee: Licensee, page_numbers: list[int] | None = None
) -> bytes:
    """The edition (or the pages asked for, from 1) with the reader's identity in the metadata
    and a discreet footer line on every page, to discourage passing the file around."""
    reader = PdfReader(io.BytesIO(source))
    writer = PdfWriter()
    chosen = page_numbers or list(range(1, len(reader.pages) + 1))
    line = (
        f"Licensed to {licensee.name} <{licensee.email}> on {licensee.at:%d %b %Y %H:%M %Z} · "
        f"{licensee.publisher} · for personal use only · ref {licensee.reference}"
    )
    overlays: dict[tuple[float, float], PdfReader] = {}
    for number in chosen:
        page = writer.add_page(reader.pages[number - 1])
        box = page.mediabox
        size = (float(box.width), float(box.height))
        if size not in overlays:
            overlays[size] = _footer_overlay(size[0], size[1], line)
        page.merge_transformed_page(
            overlays[size].pages[0],
            Transformation().translate(float(box.left), float(box.bottom)),
        )
    writer.add_metadata(
        {
            "/Title": f"{licensee.publisher} e-paper",
            "/Author": licensee.publisher,
            "/Subject": f"Licensed to {licensee.name} <{licensee.email}>",
            "/Keywords": f"licensee:{licensee.email} ref:{licensee.reference}",
            "/MastheadLicensee": licensee.email,
            "/MastheadDownload": licensee.reference,
            "/Producer": "Masthead",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
