"""The audit log as an Excel sheet: the auditor's filtered rows, written row by row (openpyxl's
write-only mode, rows read in chunks), every text cell through core.sheets.safe_row, so that a
summary or an address typed as =HYPERLINK(…) comes out as text, never a formula."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from luoshi.audit.models import Action, AuditEvent
from luoshi.audit.selectors import field_label, object_type_label
from luoshi.core.sheets import safe_row

HEADERS = [
    ("时间", 20),
    ("操作", 12),
    ("操作人账号", 16),
    ("操作人", 12),
    ("来源地址", 16),
    ("行政区", 10),
    ("对象类型", 14),
    ("对象编号", 10),
    ("对象", 30),
    ("摘要", 60),
    ("修改内容", 60),
    ("请求", 36),
]
CHUNK = 2000
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
HEADER_FONT = Font(bold=True)


def changes_text(event: AuditEvent) -> str:
    """“状态：待审核 → 已采纳；审核人：（空） → 赵敏”."""
    parts = []
    for name, pair in (event.changes or {}).items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list | tuple) else (None, pair)
        parts.append(f"{field_label(event.object_type, name)}：{_word(old)} → {_word(new)}")
    return "；".join(parts)


def _word(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def export_workbook(events: QuerySet[AuditEvent], out: IO[bytes] | Path) -> int:
    """Write `events` (filtered and ordered by the caller) to `out`; returns how many rows."""
    actions = dict(Action.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    for index, (_header, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header, _width in HEADERS])
    rows = events.iterator(chunk_size=CHUNK)
    written = 0
    while chunk := list(islice(rows, CHUNK)):
        for event in chunk:
            sheet.append(
                safe_row(
                    [
                        timezone.localtime(event.at).replace(tzinfo=None),
                        actions.get(event.action, event.action),
                        event.actor_username,
                        event.actor_name,
                        event.client_ip,
                        event.region_name,
                        object_type_label(event.object_type),
                        event.object_id,
                        event.object_text,
                        event.summary,
                        changes_text(event),
                        f"{event.method} {event.path}".strip(),
                    ]
                )
            )
        written += len(chunk)
    workbook.save(out)
    return written


def _header_cell(sheet: Any, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell
