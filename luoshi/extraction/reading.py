"""Documents as text: .txt (UTF-8 or GB18030), .docx and .pdf with a text layer. Pure: no database.

Offsets of extracted tasks are characters into the text returned here; `luoshi extract
--print-text` prints it, so that a .docx or .pdf task can be found in it.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from docx import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from luoshi.extraction.core import NOTE_HEADER, TASK_HEADER

ACCEPTED = (".txt", ".docx", ".pdf")


class UnreadableDocument(ValueError):
    """The file cannot be read as text; the message says why, in Chinese."""


def read_text(data: bytes, name: str) -> str:
    suffix = PurePosixPath(name.lower()).suffix
    if suffix == ".txt" or suffix == "":
        return decode(data)
    if suffix == ".docx":
        return docx_text(data)
    if suffix == ".pdf":
        return pdf_text(data)
    if suffix in (".doc", ".wps"):
        raise UnreadableDocument("请先用 Word 或 WPS 另存为 .docx 再上传（旧的 .doc、.wps 格式读不出文字）。")
    raise UnreadableDocument(f"只能读取 {'、'.join(ACCEPTED)} 文件。")


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030, the Chinese national encoding."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("文本文件的编码无法识别：请另存为 UTF-8 编码。")


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells in document order, a paragraph per line; a task table (任务分解表)
    a row per line, its units and time limit as the row's note (see `task_table_lines`)."""
    try:
        document = DocxDocument(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a file that is not a .docx
        raise UnreadableDocument("这个 .docx 文件已损坏或不是 Word 文档。") from error
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append(_paragraph(block))
        elif block.tag == qn("w:tbl"):
            rows = [[_cell_text(cell) for cell in row.cells] for row in Table(block, document).rows]
            task_lines = task_table_lines(rows)
            if task_lines is not None:
                lines.extend(task_lines)
                continue
            for cell in block.iter(qn("w:tc")):
                lines.extend(_paragraph(p) for p in cell.iter(qn("w:p")))
    return "\n".join(lines).strip("\n") + "\n"


def task_table_lines(rows: list[list[str]]) -> list[str] | None:
    """A row per task, 序号．task（header：value；…）, or None when `rows` is not a task table (its
    first row names no task column and no column of units or time). A cell merged over rows (one lead
    unit for several tasks) belongs to each of them."""
    if len(rows) < 2:
        return None
    header = ["".join(cell.split()) for cell in rows[0]]
    task_columns = [i for i, name in enumerate(header) if TASK_HEADER.match(name)]
    note_columns = [i for i, name in enumerate(header) if NOTE_HEADER.match(name)]
    if not task_columns or not note_columns:
        return None
    task_column = task_columns[0]
    number_column = next((i for i, name in enumerate(header) if name in ("序号", "编号")), None)
    lines = []
    for row in rows[1:]:
        task = " ".join(row[task_column].split()) if task_column < len(row) else ""
        if not task:
            continue
        notes = [
            f"{header[i]}：{'、'.join(row[i].split())}"
            for i in note_columns
            if i < len(row) and row[i].strip() and i != task_column
        ]
        number = row[number_column].strip() if number_column is not None and number_column < len(row) else ""
        prefix = f"{number}．" if number and not task.startswith(number) else ""
        lines.append(prefix + task.rstrip("。；;") + (f"（{'；'.join(notes)}）" if notes else ""))
    return lines


def _cell_text(cell: object) -> str:
    return "\n".join(_paragraph(p) for p in cell._tc.iter(qn("w:p")))  # type: ignore[attr-defined]


def _paragraph(element: object) -> str:
    texts = []
    for node in element.iter():  # type: ignore[attr-defined]
        if node.tag == qn("w:t") and node.text:
            texts.append(node.text)
        elif node.tag in (qn("w:br"), qn("w:cr")):
            texts.append("\n")
        elif node.tag == qn("w:tab"):
            texts.append("\t")
    return "".join(texts)


def pdf_text(data: bytes) -> str:
    """The text layer of every page; a scanned PDF without one is refused."""
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as error:
        raise UnreadableDocument("这个 PDF 文件已损坏，无法读取。") from error
    text = "\n".join(page.strip("\n") for page in pages)
    if len("".join(text.split())) < 20:
        raise UnreadableDocument("这个 PDF 没有文字层（可能是扫描件）：请上传 Word 或文本文件。")
    return text + "\n"
