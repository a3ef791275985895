"""The `alliancekb` command line: parses, calls the library once, formats, maps errors.

One Typer app per command group (`db`, `listings`, `export`, `records`, `imports`,
`analysis`), composed in `main.py`; `common.py` holds what they share.
"""

from __future__ import annotations

from alliancekb.cli.main import app, main

__all__ = ["app", "main"]
