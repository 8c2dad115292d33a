"""Published tables as presets, one module per market and table.

Being built (issue 4).
"""

__all__: list[str] = []
