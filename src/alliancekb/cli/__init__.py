"""The `alliancekb` command line: parses, calls the library once, formats, maps errors.

Each module registers its commands on the one Typer app in `app.py`.
"""

from __future__ import annotations

from alliancekb.cli import (
    analysis,  # noqa: F401  (registers the commands)
    check,  # noqa: F401  (registers the commands)
    core,  # noqa: F401  (registers the commands)
    imports,  # noqa: F401  (registers the commands)
    records,  # noqa: F401  (registers the commands)
)
from alliancekb.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
