"""The PDF fonts: the first TrueType pair on the system that has the rupee sign, else
Helvetica with 'Rs.'.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from masthead.billing.documents.figures import RUPEE

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: str
    bold: str
    has_rupee: bool


FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    ("/usr/share/fonts/noto/NotoSans-Regular.ttf", "/usr/share/fonts/noto/NotoSans-Bold.ttf"),
    ("/usr/local/share/fonts/DejaVuSans.ttf", "/usr/local/share/fonts/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans-Bold.ttf"),
)


@functools.cache
def embedded_fonts() -> Fonts:
    """Embed the first TrueType pair that has the rupee sign; else Helvetica and 'Rs.'."""
    configured = getattr(settings, "BILLING_PDF_FONTS", None)
    candidates: list[tuple[str, str]] = []
    if configured:
        regular, bold = configured
        candidates.append((str(regular), str(bold)))
    candidates.extend(FONT_CANDIDATES)
    for regular_path, bold_path in candidates:
        if not (Path(regular_path).is_file() and Path(bold_path).is_file()):
            continue
        try:
            regular = TTFont("MastheadSans", regular_path)
            bold = TTFont("MastheadSans-Bold", bold_path)
        except Exception:  # a broken or unsupported font file: try the next one
            logger.warning("Cannot load PDF font %s", regular_path, exc_info=True)
            continue
        if ord(RUPEE) not in regular.face.charToGlyph or ord(RUPEE) not in bold.face.charToGlyph:
            continue
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        pdfmetrics.registerFontFamily(
            "MastheadSans",
            normal="MastheadSans",
            bold="MastheadSans-Bold",
            italic="MastheadSans",
            boldItalic="MastheadSans-Bold",
        )
        return Fonts(regular="MastheadSans", bold="MastheadSans-Bold", has_rupee=True)
    logger.warning("No font with the rupee sign found; invoice PDFs print 'Rs.' instead.")
    return Fonts(regular="Helvetica", bold="Helvetica-Bold", has_rupee=False)
