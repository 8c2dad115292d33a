"""Each workflow page shows the diagram of the real workflow table.

A page ``docs/workflows/<name>.md`` is titled with its module,
``renewal_core.workflows.<name>``; its first Mermaid block must be exactly the
``to_mermaid()`` of the workflow that module defines (its one module-level
``Workflow`` constant), so the docs cannot drift from the tables.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from renewal_core.workflows.engine import Workflow

PAGES = sorted((Path(__file__).parent.parent / "docs" / "workflows").glob("*.md"))
_TITLE = re.compile(r"^# .*`(renewal_core\.workflows\.[a-z_]+)`", re.MULTILINE)
_MERMAID = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _workflow_of(module_name: str) -> Workflow:
    module = importlib.import_module(module_name)
    found = [
        value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, Workflow)
    ]
    assert len(found) == 1, f"{module_name} defines {len(found)} workflow constants"
    return found[0]


@pytest.mark.parametrize("page", PAGES, ids=[page.stem for page in PAGES])
def test_the_page_shows_the_diagram_of_its_workflow(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    title = _TITLE.search(text)
    assert title is not None, "the page title names its module in backquotes"
    diagram = _MERMAID.search(text)
    assert diagram is not None, "the page has a mermaid block"
    assert diagram.group(1).rstrip("\n") == _workflow_of(title.group(1)).to_mermaid()


def test_every_workflow_module_has_a_page() -> None:
    modules = sorted(
        path.stem
        for path in (Path(__file__).parent.parent / "src" / "renewal_core" / "workflows").glob(
            "*.py"
        )
        if not path.stem.startswith("_") and path.stem != "engine"
    )
    assert modules == [page.stem for page in PAGES]
