"""Extract, validate and review Chinese budget-performance reports."""

__version__ = "0.1.0"
