"""Lay out a print edition as a real PDF (reportlab): nameplate, folios, headlines, columns.

Used by the demo newsroom and the benchmark; a publisher's own editions come from their layout
program. No Django here.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

# A tabloid sheet (11 x 17 in): a broadsheet's proportions, smaller to render.
PAGE_WIDTH, PAGE_HEIGHT = 792.0, 1224.0
MARGIN = 36.0
GUTTER = 12.0
COLUMNS = 5


@dataclass(frozen=True)
class PrintStory:
    headline: str
    section: str
    standfirst: str = ""
    byline: str = ""
    paragraphs: list[str] = field(default_factory=list)


_body = ParagraphStyle(
    "body", fontName="Times-Roman", fontSize=8.6, leading=10.4, alignment=TA_JUSTIFY
)
_standfirst = ParagraphStyle("standfirst", fontName="Times-Italic", fontSize=10, leading=12.5)
_byline = ParagraphStyle(
    "byline", fontName="Helvetica-Bold", fontSize=6.5, leading=9, textColor=colors.grey
)
_lead_headline = ParagraphStyle("lead", fontName="Times-Bold", fontSize=34, leading=37)
_headline = ParagraphStyle("headline", fontName="Times-Bold", fontSize=17, leading=19.5)


def _text(value: str) -> str:
    # The standard PDF fonts have no rupee sign; print style spells it out.
    return escape(value.replace("₹", "Rs "))


def _story_flowables(story: PrintStory, *, lead: bool) -> list[Flowable]:
    parts: list[Flowable] = []
    if not lead:
        parts.append(Paragraph(_text(story.headline), _headline))
        parts.append(Spacer(1, 4))
    if story.standfirst:
        parts.append(Paragraph(_text(story.standfirst), _standfirst))
        parts.append(Spacer(1, 3))
    if story.byline:
        parts.append(Paragraph(_text(story.byline.upper()), _byline))
    parts.extend(Paragraph(_text(text), _body) for text in story.paragraphs)
    parts.append(Spacer(1, 14))
    return parts


def _columns(top: float, bottom: float) -> list[Frame]:
    width = (PAGE_WIDTH - 2 * MARGIN - (COLUMNS - 1) * GUTTER) / COLUMNS
    return [
        Frame(
            MARGIN + i * (width + GUTTER),
            bottom,
            width,
            top - bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            showBoundary=0,
        )
        for i in range(COLUMNS)
    ]


def _pour(sheet: canvas.Canvas, frames: list[Frame], flowables: list[Flowable]) -> None:
    """Flow text down the columns until they are full; the rest is cut (a demo has no jumps)."""
    for frame in frames:
        if not flowables:
            return
        frame.addFromList(flowables, sheet)


def _rules(sheet: canvas.Canvas, y: float, *, weight: float = 0.8) -> None:
    sheet.setLineWidth(weight)
    sheet.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)


def _front_page(
    sheet: canvas.Canvas,
    *,
    publisher: str,
    tagline: str,
    edition: str,
    date: dt.date,
    pages: int,
    lead: PrintStory,
    others: list[PrintStory],
) -> None:
    top = PAGE_HEIGHT - MARGIN
    sheet.setFont("Times-Bold", 54)
    sheet.drawCentredString(PAGE_WIDTH / 2, top - 48, publisher)
    sheet.setFont("Times-Italic", 11)
    sheet.drawCentredString(PAGE_WIDTH / 2, top - 66, tagline)
    _rules(sheet, top - 76, weight=2)
    sheet.setFont("Helvetica-Bold", 8)
    sheet.drawString(MARGIN, top - 88, f"{edition.upper()} EDITION")
    sheet.drawCentredString(PAGE_WIDTH / 2, top - 88, f"{date:%A, %d %B %Y}".upper())
    sheet.drawRightString(PAGE_WIDTH - MARGIN, top - 88, f"{pages} PAGES")
    _rules(sheet, top - 94)
    headline = Paragraph(_text(lead.headline), _lead_headline)
    width = PAGE_WIDTH - 2 * MARGIN
    _w, height = headline.wrap(width, 200)
    headline.drawOn(sheet, MARGIN, top - 108 - height)
    body_top = top - 120 - height
    flow = _story_flowables(lead, lead=True)
    for story in others:
        flow.extend(_story_flowables(story, lead=False))
    _pour(sheet, _columns(body_top, MARGIN + 12), flow)


def _inside_page(
    sheet: canvas.Canvas,
    *,
    publisher: str,
    edition: str,
    date: dt.date,
    number: int,
    section: str,
    stories: list[PrintStory],
) -> None:
    top = PAGE_HEIGHT - MARGIN
    sheet.setFont("Helvetica-Bold", 8)
    folio = f"{number}  ·  {publisher.upper()}  ·  {edition.upper()}  ·  {date:%d %B %Y}".upper()
    if number % 2:
        sheet.drawRightString(PAGE_WIDTH - MARGIN, top - 8, folio)
    else:
        sheet.drawString(MARGIN, top - 8, folio)
    sheet.setFont("Times-Bold", 26)
    sheet.drawString(MARGIN, top - 40, section)
    _rules(sheet, top - 48, weight=1.5)
    flow: list[Flowable] = []
    for story in stories:
        flow.extend(_story_flowables(story, lead=False))
    _pour(sheet, _columns(top - 60, MARGIN + 12), flow)


def lay_out_edition(
    *,
    publisher: str,
    tagline: str,
    edition: str,
    date: dt.date,
    stories: list[PrintStory],
    pages: int,
) -> bytes:
    """An edition of ``pages`` pages: the front page, then one section a page, stories reused
    in turn if there are fewer stories than the pages need."""
    if not stories:
        raise ValueError("An edition needs at least one story.")
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    sheet.setTitle(f"{publisher} — {edition} — {date.isoformat()}")
    sheet.setAuthor(publisher)
    _front_page(
        sheet,
        publisher=publisher,
        tagline=tagline,
        edition=edition,
        date=date,
        pages=pages,
        lead=stories[0],
        others=stories[1:4],
    )
    sheet.showPage()
    rest = stories[4:] or stories
    per_page = 3
    for number in range(2, pages + 1):
        start = ((number - 2) * per_page) % len(rest)
        chosen = (rest[start:] + rest[:start])[:per_page]
        _inside_page(
            sheet,
            publisher=publisher,
            edition=edition,
            date=date,
            number=number,
            section=chosen[0].section,
            stories=chosen,
        )
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()
