"""Contracts: generation, numbering, rendering in Chinese, the life cycle."""
