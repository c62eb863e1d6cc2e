"""One bulletin as a document: the parts every output shows (the web page, the Word file, through it
the PDF), from the bulletin's stored figures and text, never from the live data."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from luoshi.bulletins.chart import colour_chart
from luoshi.bulletins.drafting import SECTIONS, annexes
from luoshi.bulletins.periods import day_label

# A paragraph that opens with a second-level heading: （一）进展较好的单位和事项。…
SUBHEADING = re.compile(r"^(（[一二三四五六七八九十]+）[^。：]{1,40}[。：])(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Paragraph:
    heading: str  # the 楷体 lead-in, or ""
    text: str


@dataclass(frozen=True)
class Annex:
    number: int
    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Document:
    issuer: str
    number_label: str  # 柞政督〔2023〕5号, or "" for a draft
    title: str
    recipients: str
    opening: list[Paragraph]
    parts: list[tuple[str, list[Paragraph]]]  # (一、总体情况, paragraphs)
    annexes: list[Annex]
    signed_on: date
    copies_to: str
    printer: str
    is_draft: bool
    chart: bytes | None = None  # the colours by kind (PNG), after 一、总体情况's first paragraphs
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def signed_label(self) -> str:
        return day_label(self.signed_on)

    @property
    def chart_uri(self) -> str:
        """The chart for the web page, inside it (the page stays one file)."""
        return f"data:image/png;base64,{base64.b64encode(self.chart).decode()}" if self.chart else ""


def paragraphs(lines: list[str]) -> list[Paragraph]:
    found = []
    for line in lines:
        match = SUBHEADING.match(line)
        found.append(Paragraph(match.group(1), match.group(2)) if match else Paragraph("", line))
    return found


def document_for(bulletin: Any, *, signed_on: date | None = None) -> Document:
    """The document of `bulletin` (a Bulletin), dated the day it was published, else `signed_on`,
    else its as-of day."""
    sections = bulletin.sections or {}
    return Document(
        issuer=bulletin.issuer,
        number_label=bulletin.number_label,
        title=bulletin.title,
        recipients=bulletin.recipients,
        opening=paragraphs(sections.get("opening", [])),
        parts=[(label, paragraphs(sections.get(key, []))) for key, label in SECTIONS if key != "opening"],
        annexes=[
            Annex(number, annex["title"], annex["columns"], annex["rows"])
            for number, annex in enumerate(annexes(bulletin.data), start=1)
        ],
        signed_on=bulletin.published_on or signed_on or bulletin.as_of,
        copies_to=bulletin.copies_to,
        printer=bulletin.printer,
        is_draft=not bulletin.is_published,
        chart=colour_chart(bulletin.data.get("kinds", [])),
    )
