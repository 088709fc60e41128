"""Exports: every exporter returns bytes, so pages and `wpc export` share the same code."""
