from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from luoshi.extraction import llm
from luoshi.extraction.core import Directory, Task, directory_from, extract
from luoshi.extraction.reading import UnreadableDocument, read_text


class Command(BaseCommand):
    help = "把讲话或会议纪要分解为任务：luoshi extract FILE --meeting-date 2023-07-25 [--json] [--print-text]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=".txt（UTF-8 或 GB18030）、.docx 或有文字层的 .pdf")
        parser.add_argument(
            "--meeting-date", type=date.fromisoformat, required=True, help="会议日期，时限据此推算"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--print-text", action="store_true", help="只打印读出的文本（任务位置按它计算）")
        parser.add_argument(
            "--directory", type=Path, help="名录 JSON 文件：[{name, aliases, kind}]；默认取数据库中的名录"
        )
        parser.add_argument("--region", help="用哪个行政区的名录（名称或代码）")
        parser.add_argument(
            "--model",
            action="store_true",
            help="同时询问配置的大模型服务（LUOSHI_LLM_URL），与规则的结果合并",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            text = read_text(path.read_bytes(), path.name)
        except UnreadableDocument as error:
            raise CommandError(str(error)) from error
        if options["print_text"]:
            self.stdout.write(text, ending="")
            return
        directory = self._directory(options)
        tasks = extract(text, meeting_date=options["meeting_date"], directory=directory)
        if options["model"]:
            tasks = self._with_model(tasks, text, options["meeting_date"], directory)
        if options["json"]:
            payload = {"tasks": [task.as_dict() for task in tasks]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for number, task in enumerate(tasks, start=1):
            owners = "、".join(task.owners) or "（待指定）"
            deadline = f"{task.deadline:%Y-%m-%d}（{task.deadline_text}）" if task.deadline else "—"
            targets = "；".join(t.text for t in task.targets)
            self.stdout.write(f"{number}. [{owners}] 时限 {deadline}{'，目标 ' + targets if targets else ''}")
            self.stdout.write(f"   {' '.join(task.text.split())}")
        self.stdout.write(f"共 {len(tasks)} 项任务。")

    def _with_model(
        self, tasks: list[Task], text: str, meeting_date: date, directory: Directory
    ) -> list[Task]:
        if not llm.configured():
            raise CommandError("没有配置大模型服务：请设置 LUOSHI_LLM_URL（OpenAI 兼容的接口地址）。")
        try:
            return llm.with_model(tasks, text, meeting_date=meeting_date, directory=directory)
        except llm.ModelUnavailable as error:
            raise CommandError(f"大模型服务没有回应：{error}") from error

    def _directory(self, options: dict[str, Any]) -> Directory:
        if options["directory"]:
            try:
                rows = json.loads(options["directory"].read_text(encoding="utf-8"))
                return directory_from(rows)
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
                raise CommandError(
                    f"名录文件读不了：{options['directory']}（应为 JSON：[{{name, aliases, kind}}]）"
                ) from error
        try:
            from luoshi.extraction.selectors import directory_for
            from luoshi.org.commands import region_named

            return directory_for(region_named(options["region"]))
        except (CommandError, DatabaseError):
            return Directory()  # no database yet, or no single county: names are read from the text
