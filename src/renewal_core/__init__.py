"""renewal_core: typed, exact and explainable building blocks for insurance renewals."""

__version__ = "0.1.0"

__all__ = ["__version__"]
