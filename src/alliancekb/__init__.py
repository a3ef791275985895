"""alliancekb: a structured knowledge base of alliance relationships between states."""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: `typing` alone costs the quick answers (cli/quick.py) a third
__version__ = "0.1.0"
__all__ = ["KnowledgeBase", "__version__"]

if TYPE_CHECKING:
    from typing import Any

    from alliancekb.kb import KnowledgeBase


def __getattr__(name: str) -> Any:
    # Lazy, so that `alliancekb --help` does not import SQLAlchemy.
    if name == "KnowledgeBase":
        from alliancekb.kb import KnowledgeBase

        return KnowledgeBase
    raise AttributeError(name)
