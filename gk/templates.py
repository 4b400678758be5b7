"""Worksheet templates: the three shipped with gk and those a repository adds under templates/."""

from __future__ import annotations

from functools import cache
from importlib import resources

from gk.loader import load_text
from gk.model import Template
from gk.schemas import SHIPPED_TEMPLATES


@cache
def shipped() -> dict[str, Template]:
    """The templates shipped inside the package, by id."""
    out: dict[str, Template] = {}
    folder = resources.files("gk") / "templates"
    for name in SHIPPED_TEMPLATES:
        text = (folder / f"{name}.yaml").read_text(encoding="utf-8")
        loaded = load_text(text, f"{name}.yaml")
        if loaded.data is None:  # a broken package, not a user problem
            raise RuntimeError(f"shipped template {name} does not load: {loaded.findings}")
        out[name] = Template.from_data(loaded.data)
    return out
