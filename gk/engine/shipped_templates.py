"""The worksheet templates shipped with gk (a repository's own ones: ``pipeline.custom_templates``)."""

from __future__ import annotations

import os
from functools import cache

from gk.domain import SHIPPED_TEMPLATES
from gk.engine.load import load_text
from gk.engine.model import Template


@cache
def shipped() -> dict[str, Template]:
    """The templates shipped inside the package, by id."""
    out: dict[str, Template] = {}
    from gk.data import TEMPLATES as folder
    for name in SHIPPED_TEMPLATES:
        with open(os.path.join(folder, f"{name}.yaml"), encoding="utf-8") as handle:
            text = handle.read()
        loaded = load_text(text, f"{name}.yaml")
        if loaded.data is None:  # a broken package, not a user problem
            raise RuntimeError(f"shipped template {name} does not load: {loaded.findings}")
        out[name] = Template.from_data(loaded.data)
    return out
