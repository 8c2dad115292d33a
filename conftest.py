"""Runs every example in the docs, the README and the docstrings as a test (Sybil)."""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.document import PythonDocStringDocument
from sybil.parsers import myst, rest

_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

markdown_examples = Sybil(
    name="markdown",
    parsers=[
        myst.SkipParser(),
        myst.DocTestDirectiveParser(optionflags=_FLAGS),
        myst.PythonCodeBlockParser(doctest_optionflags=_FLAGS),
    ],
    patterns=["README.md", "docs/**/*.md"],
)

docstring_examples = Sybil(
    name="docstrings",
    parsers=[rest.DocTestParser(optionflags=_FLAGS)],
    # Path.match treats "**" as "*" before Python 3.12: name each depth.
    patterns=["src/*/*.py", "src/*/*/*.py"],
    excludes=["src/conftest.py"],
    document_types={".py": PythonDocStringDocument},
)

pytest_collect_file = (markdown_examples + docstring_examples).pytest()
