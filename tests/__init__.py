"""LoanDesk's tests (fixtures in tests/conftest.py, the records they build in
tests/factories.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository, wherever a test module sits
