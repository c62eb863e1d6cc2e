"""Documents as text, and `luoshi extract` on each format."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from luoshi.conftest import SHARED
from luoshi.extraction.core import extract
from luoshi.extraction.reading import UnreadableDocument, read_text
from luoshi.extraction.scoring import score

CORPUS = Path(__file__).parent / "corpus"
DEMO_CORPUS = Path(__file__).parents[1] / "corpus"  # documents the demo county loads
MINUTES = "yunling-2023-09-12-executive-minutes"
OURS = sorted(p.name.removesuffix(".gold.json") for p in CORPUS.glob("*.gold.json"))


def gold(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.gold.json").read_text(encoding="utf-8"))


def as_docx(text: str) -> bytes:
    document = Document()
    for paragraph in re.split(r"\n+", text):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(text: str, width: int = 28) -> bytes:
    """A PDF with a text layer, its lines broken at 28 characters as an official document's are."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    y = 800
    for paragraph in re.split(r"\n+", text):
        paragraph = paragraph.strip()
        lines = [paragraph[i : i + width] for i in range(0, len(paragraph), width)] or [""]
        for line in lines:
            if y < 60:
                page.showPage()
                y = 800
            page.setFont("STSong-Light", 12)
            page.drawString(50, y, line)
            y -= 18
    page.save()
    return out.getvalue()


def test_txt_in_utf8_or_gb18030():
    text = "县发改局要在8月底前完成储备。"
    assert read_text(text.encode("utf-8"), "a.txt") == text
    assert read_text(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.txt") == text
    assert read_text(text.encode("gb18030"), "a.txt") == text


@pytest.mark.parametrize("document", OURS)
@pytest.mark.parametrize("convert", [as_docx, as_pdf], ids=["docx", "pdf"])
def test_docx_and_pdf_extract_as_well_as_text(convert, document):
    labelled = gold(document)
    source = CORPUS / labelled["document"]
    if not source.exists():
        source = DEMO_CORPUS / labelled["document"]
    original = source.read_text(encoding="utf-8")
    name = "document." + convert.__name__.removeprefix("as_")
    text = read_text(convert(original), name)
    meeting_date = date.fromisoformat(labelled["meeting_date"])
    tasks = [t.as_dict() for t in extract(text, meeting_date=meeting_date)]
    # the labelled spans, found again in the text as read (its line breaks differ)
    for task in labelled["tasks"]:
        task["text"] = _find(text, task["text"])
    result = score(text, labelled["tasks"], tasks)
    assert result.f1 >= 0.90 and result.owner_accuracy >= 0.90 and result.deadline_accuracy >= 0.95, result


def _find(text: str, quote: str) -> str:
    pattern = r"\s*".join(re.escape(c) for c in quote if not c.isspace())
    return re.search(pattern, text).group()


def test_unreadable_files_are_refused_in_chinese():
    with pytest.raises(UnreadableDocument, match=r"另存为 \.docx"):
        read_text(b"\xd0\xcf\x11\xe0", "old.doc")
    with pytest.raises(UnreadableDocument, match="损坏"):
        read_text(b"not a zip", "broken.docx")
    with pytest.raises(UnreadableDocument):
        read_text(b"%PDF-1.4\n%%EOF", "scan.pdf")


@pytest.mark.django_db
@pytest.mark.skipif(not (SHARED / "corpus").exists(), reason="the seed speech is in ../shared")
def test_cli_json_on_the_seed(capsys):
    seed = SHARED / "corpus" / "zhashui-2023-07-25-plenary-speech.txt"
    call_command("extract", str(seed), "--meeting-date", "2023-07-25", "--json")
    payload = json.loads(capsys.readouterr().out)
    first = payload["tasks"][0]
    assert set(first) >= {
        "start",
        "end",
        "text",
        "owners",
        "cooperators",
        "deadline",
        "deadline_text",
        "targets",
    }
    text = seed.read_text(encoding="utf-8")
    assert all(text[t["start"] : t["end"]] == t["text"] for t in payload["tasks"])
    labelled = json.loads(
        (SHARED / "extraction" / "zhashui-2023-07-25-plenary-speech.gold.json").read_text(encoding="utf-8")
    )
    assert score(text, labelled["tasks"], payload["tasks"]).f1 >= 0.9


@pytest.mark.django_db
def test_cli_print_text_gives_the_offsets_basis(tmp_path, capsys):
    original = (CORPUS / f"{MINUTES}.txt").read_text(encoding="utf-8")
    path = tmp_path / "minutes.docx"
    path.write_bytes(as_docx(original))
    call_command("extract", str(path), "--meeting-date", "2023-09-12", "--print-text")
    printed = capsys.readouterr().out
    call_command("extract", str(path), "--meeting-date", "2023-09-12", "--json")
    for task in json.loads(capsys.readouterr().out)["tasks"]:
        assert printed[task["start"] : task["end"]] == task["text"]


def test_cli_with_a_directory_file_and_plain_output(tmp_path, capsys):
    directory = tmp_path / "directory.json"
    directory.write_text(
        json.dumps([{"name": "县教育局", "aliases": "教育局"}, {"name": "李卫东", "kind": "leader"}])
    )
    call_command(
        "extract",
        str(CORPUS / f"{MINUTES}.txt"),
        "--meeting-date",
        "2023-09-12",
        "--directory",
        str(directory),
    )
    out = capsys.readouterr().out
    assert "[李卫东、县教育局]" in out and "共 12 项任务" in out


def test_cli_refuses_a_missing_file():
    with pytest.raises(CommandError, match="不存在"):
        call_command("extract", "/nowhere.txt", "--meeting-date", "2023-09-12")


def task_table_docx(rows: list[list[str]], *, merge_lead_of: tuple[int, int] | None = None) -> bytes:
    """A 任务分解表 as offices write them: a title, then a table whose header names the columns."""
    document = Document()
    document.add_paragraph("城区提升三年行动重点任务分解表")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if merge_lead_of:  # one lead unit for several rows, in a vertically merged cell
        first, last = merge_lead_of
        merged = table.cell(first, 2).merge(table.cell(last, 2))
        merged.text = rows[first][2]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


TASK_TABLE = [
    ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
    ["1", "完成老城区雨污分流管网改造12公里", "县住建局", "县财政局、县自然资源局", "2023年11月底前"],
    ["2", "新建城市停车位800个", "县住建局", "县公安局", "年底前"],
    ["3", "建成滨河公园二期", "县林业局", "", "10月底前"],
]


def test_a_task_table_row_is_one_task_with_its_units_and_time_limit():
    text = read_text(task_table_docx(TASK_TABLE), "表.docx")
    tasks = extract(text, meeting_date=date(2023, 7, 25))
    found = {(t.owners, t.cooperators, t.deadline) for t in tasks}
    assert found == {
        (("县住建局",), ("县财政局", "县自然资源局"), date(2023, 11, 30)),
        (("县住建局",), ("县公安局",), date(2023, 12, 31)),
        (("县林业局",), (), date(2023, 10, 31)),
    }
    assert [t.text.split("（")[0] for t in tasks] == [
        "1．完成老城区雨污分流管网改造12公里",
        "2．新建城市停车位800个",
        "3．建成滨河公园二期",
    ]


def test_a_lead_unit_merged_over_rows_belongs_to_each_row():
    rows = [row[:] for row in TASK_TABLE]
    rows[2][2] = ""  # the merged cell shows its text once
    text = read_text(task_table_docx(rows, merge_lead_of=(1, 2)), "表.docx")
    owners = [t.owners for t in extract(text, meeting_date=date(2023, 7, 25))]
    assert owners == [("县住建局",), ("县住建局",), ("县林业局",)]


def test_a_table_that_is_not_a_task_list_is_read_cell_by_cell():
    rows = [["指标", "目标", "完成"], ["地区生产总值增速", "6.5%", "4.2%"]]
    text = read_text(task_table_docx(rows), "表.docx")
    assert "地区生产总值增速\n6.5%\n4.2%" in text
