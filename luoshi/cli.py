"""The ``luoshi`` command: luoshi's own commands in front of Django's management commands.

luoshi run [--port N] [--no-demo] [--debug]  migrate, load the demo when empty, serve with the job worker
luoshi demo [--reset]                        load (or reload) the demo county
luoshi init [--name … --code … --city …]     set up a real county on an empty database (no demo data)
luoshi import org FILE [--dry-run]           a county's units, people, leaders and accounts from Excel
luoshi migrate / createsuperuser …           Django's own commands
"""

from __future__ import annotations

import os
import sys

# Commands whose requests and jobs name their own actors in the audit log (users, 系统).
SERVERS = frozenset({"run", "run_huey", "runserver"})


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    if args[0] in SERVERS:
        execute_from_command_line(["luoshi", *args])
        return
    # What a command changes is in the audit log under its name (an operator at the server's shell).
    from luoshi.audit.context import acting

    with acting(f"命令行：luoshi {args[0]}"):
        execute_from_command_line(["luoshi", *args])


if __name__ == "__main__":
    main()
