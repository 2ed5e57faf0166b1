"""Shipped scenarios, as TOML files (data, never code)."""
