"""Published tables as presets, one module per market and table.

Each module cites the table's edition and source and holds plain data you can copy
and change. Import a preset from its module, which names the market:

* :mod:`renewal_core.presets.cn_short_rate`: China short-term rate tables (property,
  accident, marine).
* :mod:`renewal_core.presets.us_short_rate`: the United States standard short-rate
  table.
* :mod:`renewal_core.presets.cn_auto_surrender`: China commercial auto surrender.
* :mod:`renewal_core.presets.cn_auto_ncd`: China commercial auto no-claim discount,
  2015 edition.
* :mod:`renewal_core.presets.cn_ctpl`: China compulsory traffic insurance (CTPL) base
  premiums (2008) and floating rates, and statutory cancellation refunds.
* :mod:`renewal_core.presets.cn_auto_plans`: rating plans built from those: CTPL, and
  an illustrative commercial auto plan used by the documentation.
"""

__all__: list[str] = []
