"""Story bodies as ordered blocks, and the plain-text notation editors type them in.

Notation, one block per paragraph (blank line between blocks)::

    A paragraph, with <em>emphasis</em>, <strong>bold</strong> and <a href="https://x">links</a>.
    ## A subhead
    > The quoted words. — Who said them
    ![Alt text](demo/chart.svg) The caption
    [[more]]            <- the end of the free lead (the paywall cut)

Inline HTML is cleaned with nh3 to a short allow-list whenever a body is stored, and again when
it is rendered, so a script can never come out of a story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import nh3

BlockType = Literal["paragraph", "subhead", "quote", "image", "cut"]
CUT_MARKER = "[[more]]"
_INLINE_TAGS = {"a", "em", "strong", "i", "b", "br", "sup", "sub", "abbr"}
_INLINE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)\)\s*(?P<caption>.*)$", re.DOTALL)
_SAFE_IMAGE_SRC = re.compile(r"^(https://[^\s\"'<>]+|[A-Za-z0-9_./-]+\.(svg|png|jpe?g|webp|gif))$")


class BodyError(ValueError):
    """The body text cannot be stored as written; the message says which block and why."""


def clean_inline(html: str) -> str:
    return str(
        nh3.clean(
            html,
            tags=_INLINE_TAGS,
            attributes=_INLINE_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    ).strip()


def clean_text(text: str) -> str:
    """Plain text: no markup at all (subheads, captions, alt text, attributions)."""
    return str(nh3.clean(text, tags=set())).strip()


def parse_body(text: str) -> list[dict[str, Any]]:
    """Turn the editor's notation into clean blocks. Raises BodyError naming the bad block."""
    blocks: list[dict[str, Any]] = []
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if c.strip()]
    for number, chunk in enumerate(chunks, start=1):
        one_line = " ".join(line.strip() for line in chunk.splitlines())
        if one_line == CUT_MARKER:
            if any(b["type"] == "cut" for b in blocks):
                raise BodyError(f"Block {number}: the {CUT_MARKER} marker may appear only once.")
            blocks.append({"type": "cut"})
        elif one_line.startswith("## "):
            blocks.append({"type": "subhead", "text": clean_text(one_line[3:])})
        elif one_line.startswith("> "):
            quote, _, attribution = one_line[2:].partition(" — ")
            blocks.append(
                {"type": "quote", "text": clean_text(quote), "attribution": clean_text(attribution)}
            )
        elif one_line.startswith("!["):
            match = _IMAGE.match(one_line)
            if not match:
                raise BodyError(
                    f"Block {number}: an image is written ![alt text](path-or-https-url) Caption."
                )
            src = match["src"]
            if not _SAFE_IMAGE_SRC.match(src) or ".." in src:
                raise BodyError(
                    f"Block {number}: image address {src!r} must be an https:// URL or a static "
                    "file path ending in .svg, .png, .jpg, .webp or .gif."
                )
            if not match["alt"].strip():
                raise BodyError(
                    f"Block {number}: the image needs alt text for readers who can't see it."
                )
            blocks.append(
                {
                    "type": "image",
                    "src": src,
                    "alt": clean_text(match["alt"]),
                    "caption": clean_text(match["caption"]),
                }
            )
        else:
            blocks.append({"type": "paragraph", "html": clean_inline(one_line)})
    return blocks


def body_to_text(blocks: list[dict[str, Any]]) -> str:
    """The editor's notation for stored blocks (the inverse of ``parse_body``)."""
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "cut":
            out.append(CUT_MARKER)
        elif kind == "subhead":
            out.append(f"## {block['text']}")
        elif kind == "quote":
            attribution = f" — {block['attribution']}" if block.get("attribution") else ""
            out.append(f"> {block['text']}{attribution}")
        elif kind == "image":
            out.append(f"![{block['alt']}]({block['src']}) {block.get('caption', '')}".rstrip())
        else:
            out.append(str(block.get("html", "")))
    return "\n\n".join(out)


@dataclass(frozen=True, slots=True)
class SplitBody:
    lead: list[dict[str, Any]]
    rest: list[dict[str, Any]]


def split_lead(blocks: list[dict[str, Any]], *, default_paragraphs: int) -> SplitBody:
    """The free lead: everything before the editor's cut, or the first N paragraphs."""
    for index, block in enumerate(blocks):
        if block.get("type") == "cut":
            return SplitBody(lead=blocks[:index], rest=blocks[index + 1 :])
    seen = 0
    for index, block in enumerate(blocks):
        if block.get("type") == "paragraph":
            seen += 1
            if seen == default_paragraphs:
                return SplitBody(lead=blocks[: index + 1], rest=blocks[index + 1 :])
    return SplitBody(lead=list(blocks), rest=[])


def without_cut(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b.get("type") != "cut"]


def plain_text(blocks: list[dict[str, Any]]) -> str:
    """Readable text of blocks, for descriptions and feeds."""
    parts: list[str] = []
    for block in blocks:
        if block.get("type") == "paragraph":
            parts.append(clean_text(str(block.get("html", ""))))
        elif block.get("type") in {"subhead", "quote"}:
            parts.append(str(block.get("text", "")))
    return "\n\n".join(p for p in parts if p)
