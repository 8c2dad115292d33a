"""The public API is curated: sorted, complete, documented, and light to import."""

from __future__ import annotations

import inspect
import pathlib
import re
import subprocess
import sys
import types

import pytest

import renewal_core

ROOT = pathlib.Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
PUBLIC_MODULES = [
    "renewal_core",
    "renewal_core.audit",
    "renewal_core.customers.followups",
    "renewal_core.customers.surveys",
    "renewal_core.customers.tiers",
    "renewal_core.eligibility",
    "renewal_core.errors",
    "renewal_core.facts",
    "renewal_core.formatting",
    "renewal_core.kpi.breakdowns",
    "renewal_core.kpi.channels",
    "renewal_core.kpi.diagnosis",
    "renewal_core.kpi.dimensions",
    "renewal_core.kpi.improvement",
    "renewal_core.kpi.indicator",
    "renewal_core.kpi.persistency",
    "renewal_core.kpi.records",
    "renewal_core.kpi.renewals",
    "renewal_core.kpi.reports",
    "renewal_core.kpi.satisfaction",
    "renewal_core.kpi.surrender",
    "renewal_core.materials",
    "renewal_core.model",
    "renewal_core.money",
    "renewal_core.periods",
    "renewal_core.presets.cn_auto_ncd",
    "renewal_core.presets.cn_auto_plans",
    "renewal_core.presets.cn_auto_surrender",
    "renewal_core.presets.cn_ctpl",
    "renewal_core.presets.cn_short_rate",
    "renewal_core.presets.us_short_rate",
    "renewal_core.pricing.installments",
    "renewal_core.pricing.rating",
    "renewal_core.pricing.refunds",
    "renewal_core.privacy",
    "renewal_core.reasons",
    "renewal_core.risk",
    "renewal_core.serialization",
    "renewal_core.testing",
    "renewal_core.validators",
    "renewal_core.windows",
    "renewal_core.workflows.application",
    "renewal_core.workflows.approval",
    "renewal_core.workflows.cancellation",
    "renewal_core.workflows.change",
    "renewal_core.workflows.dispute",
    "renewal_core.workflows.engine",
]


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then everything else.
    if name.isupper():
        return (0, name)
    if name[0].isupper():
        return (1, name)
    return (2, name)


def _module(name: str) -> types.ModuleType:
    __import__(name)
    return sys.modules[name]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_unique(name: str) -> None:
    exported = list(_module(name).__all__)
    assert exported == sorted(exported, key=_isort_key)
    assert len(set(exported)) == len(exported)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_exported_name_exists_and_has_a_docstring(name: str) -> None:
    module = _module(name)
    assert module.__doc__
    for exported in module.__all__:
        value = getattr(module, exported)
        if exported == "__version__" or not (
            inspect.isclass(value) or inspect.isfunction(value) or inspect.ismodule(value)
        ):
            continue
        # The object's own docstring: inspect.getdoc would inherit a base class's.
        own = value.__dict__.get("__doc__") if inspect.isclass(value) else value.__doc__
        assert own, f"{name}.{exported} has no docstring of its own"


@pytest.mark.parametrize("name", [m for m in PUBLIC_MODULES if m != "renewal_core"])
def test_every_public_module_has_a_reference_page(name: str) -> None:
    pages = "\n".join(p.read_text(encoding="utf-8") for p in REFERENCE.glob("*.md"))
    assert f".. automodule:: {name}\n" in pages


def test_top_level_exports_every_public_name_of_the_core_modules() -> None:
    # Everything a user needs is importable from renewal_core itself.
    top = set(renewal_core.__all__)
    for name in PUBLIC_MODULES:
        if name in {"renewal_core", "renewal_core.errors", "renewal_core.testing"}:
            continue
        if name.startswith("renewal_core.presets."):
            continue  # presets are imported from the module that names their market
        missing = set(_module(name).__all__) - top
        assert not missing, f"{name} exports {sorted(missing)} that renewal_core does not"


def test_every_top_level_name_is_documented_on_a_reference_page() -> None:
    # A top-level name is documented when a module with a reference page (an
    # automodule directive, which documents the module's __all__) exports it.
    homes = {
        exported
        for name in PUBLIC_MODULES
        if name != "renewal_core"
        for exported in _module(name).__all__
    }
    undocumented = set(renewal_core.__all__) - homes - {"__version__", "errors"}
    assert not undocumented


def test_top_level_names_are_the_module_objects() -> None:
    for exported in renewal_core.__all__:
        value = getattr(renewal_core, exported)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue  # a constant's __module__ is its class's, not where it is defined
        home = getattr(value, "__module__", None)
        if home and home.startswith("renewal_core."):
            assert getattr(_module(home), exported) is value


def test_version_is_a_version_string() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", renewal_core.__version__)


def test_import_is_light_and_has_no_side_effects() -> None:
    # A fresh interpreter: importing renewal_core must not pull in test tools or
    # heavy optional integrations, nor configure logging.
    code = (
        "import logging, sys; import renewal_core; "
        "heavy = sorted(m for m in ('hypothesis', 'pytest', 'sqlalchemy', 'dask', 'click', "
        "'numpy', 'pandas', 'renewal_core.testing') if m in sys.modules); "
        "print(heavy, logging.getLogger().handlers)"
    )
    out = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[] []"
