"""Extracts every translatable string into translations/messages.pot and updates the catalogs.

Two sources: LoanDesk's own code and templates (babel.cfg), and Flask-AppBuilder's templates
and code, because FAB's own zh catalog is old and misses strings (Add, Edit, Show…); the
app's catalog completes it (Flask-Babel merges the app's catalog over FAB's).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import flask_appbuilder
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FAB = Path(flask_appbuilder.__file__).parent
PYBABEL = str(Path(sys.executable).with_name("pybabel"))  # not -m: FAB has a "babel" package
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "N_", "-k", "_", "-k", "gettext",
            "-k", "lazy_formatter_gettext"]


def extract(source: Path, mapping: Path, output: Path) -> None:
    subprocess.run([PYBABEL, "extract",
                    "-F", str(mapping), *KEYWORDS, "--no-location", "-o", str(output),
                    "."], check=True, cwd=source, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def main() -> None:
    tmp = ROOT / "translations" / ".fab.pot"
    fab_cfg = ROOT / "translations" / ".fab-babel.cfg"
    fab_cfg.write_text("[python: **.py]\n[jinja2: templates/**.html]\n")
    try:
        extract(ROOT, ROOT / "babel.cfg", ROOT / "translations" / "messages.pot")
        extract(FAB, fab_cfg, tmp)
        with open(ROOT / "translations" / "messages.pot", "rb") as f:
            ours = read_po(f)
        with open(tmp, "rb") as f:
            theirs = read_po(f)
        for message in theirs:
            if message.id and message.id not in ours:
                ours[message.id] = message
        with open(ROOT / "translations" / "messages.pot", "wb") as f:
            write_po(f, ours, width=100, omit_header=False)
    finally:
        tmp.unlink(missing_ok=True)
        fab_cfg.unlink(missing_ok=True)
    subprocess.run([PYBABEL, "update",
                    "-i", "translations/messages.pot", "-d", "translations",
                    "--no-fuzzy-matching", "--ignore-obsolete"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
