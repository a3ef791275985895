"""Files shipped with the package: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled(installed: str, top_level: str) -> Path:
    """A file shipped inside the wheel (`installed`), or at the top of a checkout."""
    inside = PACKAGE_DIR / installed
    return inside if inside.exists() else PACKAGE_DIR.parents[1] / top_level


def bundled_seed() -> Path:
    """The Vietnam seed, `data/seed.yaml`."""
    return bundled("_data/seed.yaml", "data/seed.yaml")
