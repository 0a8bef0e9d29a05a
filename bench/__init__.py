"""Benchmarks: large-data seeding and page timings (see bench/README.md)."""
