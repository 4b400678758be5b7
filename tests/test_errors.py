"""Failures that stop a command, and gk's own defects named as such."""

from __future__ import annotations

from typing import Any

import pytest

from gk.engine import load


def _defect(*_args: Any, **_kwargs: Any) -> Any:
    return 1 / 0


@pytest.fixture
def broken_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A programming error inside the YAML builder (not a problem of the user's files)."""
    monkeypatch.setattr(load, "resolve_plain", _defect)


@pytest.mark.usefixtures("broken_builder")
def test_a_defect_in_the_builder_is_no_finding_about_the_file() -> None:
    with pytest.raises(ZeroDivisionError):
        load.load_text("name: Stadt Musterstadt\n", "alliances/musterstadt.yaml")
