"""The `alliancekb` command line: parses, calls the library once, formats, maps errors.

One Typer app per command group (`db`, `listings`, `export`, `records`, `imports`,
`analysis`), composed in `main.py`; `common.py` holds what they share. `quick.py` answers
`--help` and `--version` before any of them is imported.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # as in alliancekb/__init__.py: no `typing` before a quick answer
if TYPE_CHECKING:
    from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    from alliancekb.cli import quick

    if quick.run(sys.argv[1:], sys.argv[0]):
        return
    from alliancekb.cli.main import main as typer_main

    typer_main()


def __getattr__(name: str) -> Any:
    # Lazy, so that the quick answers never build the Typer app.
    if name == "app":
        from alliancekb.cli.main import app

        return app
    raise AttributeError(name)
