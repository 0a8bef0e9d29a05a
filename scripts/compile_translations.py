"""Compiles translations/<lang>/LC_MESSAGES/messages.po into .mo files (not committed).

Babel canonicalises "zh_CN" to "zh_Hans_CN", and gettext then looks in folders named
zh_Hans_CN and zh only, so the zh_CN catalog is also compiled under the canonical name.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


def compile_all(translations: Path = TRANSLATIONS) -> list[Path]:
    written = []
    for po_path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        lang = po_path.parent.parent.name
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        targets = {lang, str(Locale.parse(lang))}
        for name in sorted(targets):
            mo_path = translations / name / "LC_MESSAGES" / "messages.mo"
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with mo_path.open("wb") as f:
                write_mo(f, catalog)
            written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path.relative_to(ROOT)}", file=sys.stderr)
