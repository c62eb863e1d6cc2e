"""The ``luoshi`` command: luoshi's own commands in front of Django's management commands.

luoshi run [--port N] [--no-demo] [--debug]  migrate, load the demo when empty, serve with the job worker
luoshi demo [--reset]                        load (or reload) the demo county
luoshi migrate / createsuperuser …           Django's own commands
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    execute_from_command_line(["luoshi", *args])


if __name__ == "__main__":
    main()
