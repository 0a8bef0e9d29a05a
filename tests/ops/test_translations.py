"""The zh_CN catalog is complete, and the UI speaks Chinese by default."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests import ROOT

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|%%")


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def test_every_zh_cn_message_is_translated_and_not_fuzzy():
    catalog = _catalog("zh_CN")
    assert len(catalog) > 500
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_translations_keep_their_placeholders():
    for message in _catalog("zh_CN"):
        if message.id and isinstance(message.id, str):
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
                PLACEHOLDER.findall(message.string)), message.id


def test_every_string_in_the_code_is_in_the_catalog(tmp_path):
    """Extracts the strings of app/, seed/ and the templates afresh: each must be in the
    zh_CN catalog (when this fails, run `make extract-messages` and translate)."""
    pot = tmp_path / "check.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "-o", str(pot),
                    "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as f:
        in_code = {m.id for m in read_po(f) if m.id}
    missing = in_code - {m.id for m in _catalog("zh_CN") if m.id}
    assert not missing, sorted(missing)


def test_pages_are_chinese_by_default_and_english_on_request(client, auth):
    auth.login("admin")
    html = client.get("/loanview/list/").get_data(as_text=True)
    assert "贷款" in html and "年利率" in html
    client.get("/lang/en")
    html = client.get("/loanview/list/").get_data(as_text=True)
    assert "Annual rate" in html and "年利率" not in html
    client.get("/lang/zh_CN")
