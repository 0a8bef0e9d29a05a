"""Contracts: generated from loans, numbered, rendered to PDF in Chinese, tracked to the end."""
