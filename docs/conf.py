"""Sphinx configuration for the renewal_core documentation."""

import renewal_core

project = "renewal_core"
author = "renewal_core developers"
copyright = "2026, renewal_core developers"
release = renewal_core.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinxcontrib.mermaid",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "examples/README.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
# Workflow diagrams are Mermaid text, generated from the workflows' tables (a test
# checks each page's diagram against its workflow) and drawn in the browser.
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_preserve_defaults = True
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "furo"
html_title = f"renewal_core {release}"

# Every cross-reference must resolve (sphinx-build -n). Third-party types in
# signatures cannot: the build runs offline, without intersphinx inventories.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(datetime|decimal|fractions|pendulum|hypothesis|babel|cattrs|zoneinfo|enum|collections"
        r"|attrs|typing)(\..*)?",
    ),
    # private helpers and bases, and what private modules hold
    (r"py:.*", r"renewal_core(\.\w+)*\._\w+(\.\w+)*"),
    (r"py:.*", r"renewal_core\.serialization\.T"),  # a TypeVar
]
