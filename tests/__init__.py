"""LoanDesk's tests, one folder per feature: domain/ (the pure rules, no Flask), intake/,
loans/, contracts/, reports/, security/ and ops/ (each folder's __init__ says what it
holds), and browser/ (Chromium against a live server, with a conftest of its own).

The fixtures are in tests/conftest.py (each module works on its own copy of the demo
database), the records tests build in tests/factories.py.  ``make test`` runs the suite in
random order; a module must not depend on another, nor a test on an earlier one.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository, wherever a test module sits
