"""luoshi bulletin: draft a region's bulletin from the data and write it as .docx, .pdf or .html."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from luoshi.bulletins import periods, services
from luoshi.bulletins.pdf import PdfUnavailable, docx_to_pdf
from luoshi.core import clock
from luoshi.items.services import ServiceError
from luoshi.org.commands import region_named

FORMATS = (".docx", ".pdf", ".html")


class Command(BaseCommand):
    help = (
        "按数据起草督查通报并写成文件（不保存到系统）："
        "luoshi bulletin --period 2023-07 --as-of 2023-07-25 --region 柞水县 --out b.docx"
        "（.docx、.pdf 或 .html）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period", required=True, help="2023-07、2023-W30、2023-Q2、2023-H1 或 special:起:止"
        )
        parser.add_argument("--as-of", help="数据截至日期，如 2023-07-25（默认今天）")
        parser.add_argument("--region", help="行政区名称或代码（只有一个县时可省略）")
        parser.add_argument("--topic", default="", help="专项督查主题")
        parser.add_argument("--out", required=True, help="输出文件：.docx、.pdf 或 .html")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.suffix.lower() not in FORMATS:
            raise CommandError(f"输出文件应以 {'、'.join(FORMATS)} 结尾。")
        try:
            period = periods.parse(options["period"])
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else clock.today()
        except periods.PeriodError as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(f"日期“{options['as_of']}”格式不对，应为 2023-07-25。") from error
        region = region_named(options["region"])
        # Drafted, written, and not kept: the draft the system keeps is the office's to make.
        with transaction.atomic():
            try:
                bulletin = services.bulletin_draft(
                    actor=None,
                    region=region,
                    period=period,
                    as_of=as_of,
                    today=clock.today(),
                    topic=options["topic"],
                )
            except ServiceError as error:
                raise CommandError(error.message) from error
            suffix = out.suffix.lower()
            if suffix == ".html":
                content = services.standalone_html(bulletin, services.render_html(bulletin)).encode("utf-8")
            else:
                content = services.render_docx(bulletin)
            red = len(bulletin.data["red"])
            transaction.set_rollback(True)
        if suffix == ".pdf":
            try:
                content = docx_to_pdf(content)
            except PdfUnavailable as error:
                raise CommandError(str(error)) from error
        out.write_bytes(content)
        self.stdout.write(f"{bulletin.title}：已写入 {out}（红色预警事项 {red} 项）")
