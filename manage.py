#!/usr/bin/env python
"""Django's command-line utility; `luoshi` (installed into .venv) does the same."""

from luoshi.cli import main

if __name__ == "__main__":
    main()
