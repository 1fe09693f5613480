"""Benchmarks for Masthead's paywall gate: ``make bench`` (see bench/run.py)."""
