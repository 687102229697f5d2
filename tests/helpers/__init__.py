"""Shared test helpers (data generators, small servers)."""
