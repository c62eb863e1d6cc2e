from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core import registry


class Command(BaseCommand):
    help = (
        "从文件导入台账：luoshi import <种类> FILE [选项]，种类由各台账登记"
        "（luoshi import <种类> -h 看它的选项）。"
        "有错就一项也不导入，并列出错误单元格。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        targets = parser.add_subparsers(dest="target", required=True, metavar="种类", title="可以导入的台账")
        for target in registry.import_targets():
            sub = targets.add_parser(target.name, help=target.label, description=target.label)
            sub.add_argument("file", type=Path)
            target.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        target = next((t for t in registry.import_targets() if t.name == options["target"]), None)
        if target is None:
            known = "、".join(t.name for t in registry.import_targets())
            raise CommandError(f"不能导入“{options['target']}”，可以导入：{known}")
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        done = target.handle(path=path, options=options, stderr=self.stderr.write)
        self.stdout.write(self.style.SUCCESS(done))
