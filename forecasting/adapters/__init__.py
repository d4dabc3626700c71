"""Adapters: the only modules that import third-party forecasting libraries."""
