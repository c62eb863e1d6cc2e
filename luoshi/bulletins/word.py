"""A bulletin as a Word file in the national layout of official documents (GB/T 9704-2012).

A4; margins 37 mm top, 35 bottom, 28 left, 26 right; 22 lines of 28 characters (a fixed line pitch
of 28.95 pt); the title in 2号 方正小标宋简体, the body in 3号 仿宋_GB2312, first-level headings in
黑体 and second-level ones in 楷体_GB2312; page numbers "— 1 —" in 4号 宋体, right on odd pages and
left on even ones; the annexes on pages of their own; the 版记 (抄送, 印发机关 and date) last.
Every run names its East-Asian font (w:eastAsia), or Word falls back to its own for Chinese text.
A meeting's pack (调度会材料, `write_pack`) takes the same page, fonts, page numbers and tables.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from luoshi.bulletins.document import Document, Paragraph
from luoshi.bulletins.pack import PackDocument

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
SIZE_2 = Pt(22)  # 2号
SIZE_3 = Pt(16)  # 3号
SIZE_4 = Pt(14)  # 4号
SIZE_TABLE = Pt(12)  # 小4号, for the annexes' tables
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
INDENT = Pt(32)  # two characters of 3号
CHART_AFTER = 1  # the chart follows 一、总体情况's figures by kind (its second paragraph)
RED = RGBColor(0xE6, 0x00, 0x12)


def set_font(run: object, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None) -> None:
    """The run's Latin and East-Asian font, size and weight."""
    font = run.font  # type: ignore[attr-defined]
    font.name = name
    font.size = size
    font.bold = bold
    if color is not None:
        font.color.rgb = color
    properties = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = properties.rFonts
    if fonts is None:
        fonts = properties._add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(
    document: object,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: Pt = SIZE_3,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: Pt | None = INDENT,
    bold: bool = False,
    color: RGBColor | None = None,
) -> DocxParagraph:
    paragraph: DocxParagraph = document.add_paragraph()  # type: ignore[attr-defined]
    _spacing(paragraph)
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        paragraph.paragraph_format.first_line_indent = indent
    if text:
        set_font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _spacing(paragraph: DocxParagraph, pitch: Pt = LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _border(paragraph: DocxParagraph, side: str, *, colour: str = "000000", size: int = 8) -> None:
    """A rule above or below the paragraph (the red line under the masthead, the 版记's lines)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), colour)
    borders.append(line)


def _page_field(paragraph: DocxParagraph) -> None:
    """ "— N —": the page number as a PAGE field, in 4号 宋体."""
    set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, SIZE_4)
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        set_font(run, PAGE_NUMBER_FONT, SIZE_4)
        if kind == "instr":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        elif kind == "text":
            run._r.append(_text_element(text or ""))
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4)


def _text_element(text: str) -> Any:
    element = OxmlElement("w:t")
    element.text = text
    return element


def _footers(section: object, settings: object) -> None:
    settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    odd = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = SIZE_4  # one character in from the edge
    _page_field(odd)
    even = section.even_page_footer.paragraphs[0]  # type: ignore[attr-defined]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = SIZE_4
    _page_field(even)
    section.footer_distance = Mm(28) - Mm(7)  # type: ignore[attr-defined]  # the number 7 mm below the text block


def _break(document: object, kind: WD_BREAK) -> None:
    run = _paragraph(document, indent=None).add_run()
    set_font(run, BODY_FONT, SIZE_3)
    run.add_break(kind)


def _body(document: object, paragraph: Paragraph) -> DocxParagraph:
    docx_paragraph = _paragraph(document)
    if paragraph.heading:
        set_font(docx_paragraph.add_run(paragraph.heading), SUBHEADING_FONT, SIZE_3)
    if paragraph.text:
        set_font(docx_paragraph.add_run(paragraph.text), BODY_FONT, SIZE_3)
    else:  # a lead-in standing alone stays with what it leads
        _keep(docx_paragraph)
    return docx_paragraph


def _keep(paragraph: DocxParagraph) -> DocxParagraph:
    """On the same page as the paragraph after it (a heading with its text, the signature with the
    body's last lines)."""
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


TEXT_WIDTH = Mm(210 - 28 - 26)  # the text block, between the margins
SERIAL_WIDTH = Mm(13)  # 序号: two characters and the cell's padding
WIDEST = 24  # characters: a longer text wraps rather than squeeze the other columns
NARROWEST = 2


def _chars(text: str) -> float:
    """How wide a text is in Chinese characters (a Latin letter or a digit is half of one)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def column_widths(columns: list[str], rows: list[list[str]]) -> list[int]:
    """Each column's width in twips, by its content: 序号 narrow, then each column as wide as its
    widest text (at most WIDEST characters), the text block shared out in those proportions."""
    weights = [
        min(max([_chars(column), NARROWEST] + [_chars(row[index]) for row in rows]), WIDEST)
        for index, column in enumerate(columns)
    ]
    serial = SERIAL_WIDTH.twips
    rest = TEXT_WIDTH.twips - serial
    widths = [max(int(rest * weight / sum(weights)), serial) for weight in weights]
    widest = widths.index(max(widths))
    widths[widest] += rest - sum(widths)  # no column narrower than 序号: the widest gives the room
    return [serial, *widths]


def _widths(table: Table, widths: list[int]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    table.autofit = False
    properties = table._tbl.tblPr
    width = properties.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        properties.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(widths)))
    for column, twips in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(twips))
    for row in table.rows:
        for cell, twips in zip(row.cells, widths, strict=True):
            cell.width = Twips(twips)


def _table(document: object, columns: list[str], rows: list[list[str]]) -> Table:
    header = ["序号", *columns]
    table: Table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, font=HEADING_FONT)
    for number, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        for cell, text in zip(cells, [str(number), *row], strict=True):
            _cell(cell, text)
    _widths(table, column_widths(columns, rows))
    return table


def _cell(cell: object, text: str, *, font: str = BODY_FONT) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    _spacing(paragraph, Pt(18))
    set_font(paragraph.add_run(text), font, SIZE_TABLE)


def _setup(title: str, author: str) -> Any:
    """A new Word document with the page, the body font and the page numbers of GB/T 9704."""
    document = new_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, SIZE_3)
    _chinese(document)
    _footers(section, document.settings)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    return document


def _chinese(document: Any) -> None:
    """The East-Asian text is Chinese (PRC), in the defaults and the Normal style: LibreOffice asks
    fontconfig for a face of that language (without it, a Japanese face stands in)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    for properties in (
        run_defaults.find(qn("w:rPr")) if run_defaults.find(qn("w:rPr")) is not None else None,
        document.styles["Normal"].element.get_or_add_rPr(),
    ):
        if properties is None:
            properties = OxmlElement("w:rPr")
            run_defaults.append(properties)
        lang = properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            properties.append(lang)
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")


def _saved(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write(doc: Document) -> bytes:
    """The Word file of `doc`, as bytes."""
    document = _setup(doc.title, doc.issuer)

    # 版头: the issuing office in red, the number, the red rule.
    _paragraph(
        document,
        doc.issuer,
        font=TITLE_FONT,
        size=Pt(36),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=None,
        color=RED,
    ).paragraph_format.line_spacing = Pt(48)
    _paragraph(document, indent=None)
    number = _paragraph(
        document, doc.number_label or "（草稿，印发时编号）", align=WD_ALIGN_PARAGRAPH.CENTER, indent=None
    )
    _border(number, "bottom", colour="E60012", size=12)
    _paragraph(document, indent=None)

    title = _paragraph(
        document, doc.title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=None
    )
    title.paragraph_format.line_spacing = Pt(36)
    _paragraph(document, indent=None)
    _paragraph(document, f"{doc.recipients}：", indent=None)
    for paragraph in doc.opening:
        _body(document, paragraph)
    last = None
    for part_index, (heading, paragraphs) in enumerate(doc.parts):
        _keep(_paragraph(document, heading, font=HEADING_FONT))
        for index, paragraph in enumerate(paragraphs):
            last = _body(document, paragraph)
            if part_index == 0 and index == CHART_AFTER and doc.chart:
                figure = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, indent=None)
                figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                figure.add_run().add_picture(io.BytesIO(doc.chart), width=Mm(150))
                last = figure
    # The signature never stands alone on a page: the last paragraph of the text, 特此通报, the
    # annexes' list and the issuer all keep with what follows them, down to the date.
    if last is not None:
        _keep(last)
    _keep(_paragraph(document, "特此通报。"))
    _keep(_paragraph(document, indent=None))
    for number_, annex in enumerate(doc.annexes, start=1):
        prefix = "附件：" if number_ == 1 else "　　　"
        _keep(_paragraph(document, f"{prefix}{annex.number}．{annex.title}"))
    _keep(_paragraph(document, indent=None))
    _keep(_paragraph(document, indent=None))
    for text in (doc.issuer, doc.signed_label):
        signature = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=None)
        signature.paragraph_format.right_indent = Pt(64)  # 4 characters in from the right
        if text == doc.issuer:
            _keep(signature)

    for annex in doc.annexes:
        _break(document, WD_BREAK.PAGE)
        _paragraph(document, f"附件{annex.number}", font=HEADING_FONT, indent=None)
        annex_title = _paragraph(
            document, annex.title, font=TITLE_FONT, size=Pt(18), align=WD_ALIGN_PARAGRAPH.CENTER, indent=None
        )
        annex_title.paragraph_format.space_after = Pt(12)
        _table(document, annex.columns, annex.rows)

    # 版记, at the end: 抄送, then the issuing office and the day it was printed, between rules.
    _break(document, WD_BREAK.LINE)
    if doc.copies_to:
        copies = _paragraph(document, f"抄送：{doc.copies_to}。", size=SIZE_4, indent=None)
        copies.paragraph_format.left_indent = SIZE_4
        _border(copies, "top", size=8)
    printed = _paragraph(document, doc.printer, size=SIZE_4, indent=None)
    printed.paragraph_format.left_indent = SIZE_4
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - SIZE_4, WD_TAB_ALIGNMENT.RIGHT)
    set_font(printed.add_run(f"\t{doc.signed_label}印发"), BODY_FONT, SIZE_4)
    _border(printed, "top", size=4)
    _border(printed, "bottom", size=8)
    return _saved(document)


def write_pack(doc: PackDocument) -> bytes:
    """A meeting's pack (调度会材料) as a Word file: the same page, fonts and tables as a bulletin;
    its title, the meeting's lines in 楷体, then each section's parts with their tables inline."""
    document = _setup(doc.title, doc.issuer)
    if doc.is_draft:
        _paragraph(document, "（准备中，未定稿）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=None, size=SIZE_4)
    title = _paragraph(
        document, doc.title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=None
    )
    title.paragraph_format.line_spacing = Pt(36)
    _paragraph(document, indent=None)
    for line in doc.lines:
        _paragraph(document, line, font=SUBHEADING_FONT, indent=None)
    for section in doc.sections:
        _keep(_paragraph(document, section.heading, font=HEADING_FONT))
        for part in section.parts:
            if part.heading:
                _keep(_paragraph(document, part.heading, font=SUBHEADING_FONT))
            if part.text:
                _keep(_paragraph(document, part.text))
            if part.rows:
                _table(document, list(part.columns), [list(row) for row in part.rows])
            else:
                _paragraph(document, part.empty)
    return _saved(document)
