"""Nothing raw on screen: every page, add and edit form, as every role, in both languages.

What a person reads — text, the options of a select, what an input holds or suggests — never
shows Python's or the database's own words: ``None``, ``__None``, ``True`` / ``False``, a
list or dict as Python prints it (``[Sales]``, ``[]``, ``{'age': …}``), a stored code
(``bank_transfer``, ``penalty,fee,interest,principal``), a role by its code in Chinese, or
FAB's English help (``LDAP``, ``OID``).  Records are data and stay as typed; the tokens
below are never data.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from app.models.enums import LabelledEnum
from seed.demo import DEMO_USERS
from tests.conftest import DEMO_PASSWORD
from tests.ops.test_languages import pages_for

RAW_WORDS = re.compile(r"(?<![\w-])(None|__None|True|False|LDAP|OID|OpenID)(?![\w-])")
PYTHON_LIST = re.compile(r"\[(?:\]|'[^']*'|[A-Z][A-Za-z]+(?:, [A-Z][A-Za-z]+)*\])")
PYTHON_DICT = re.compile(r"\{['\"][a-z_]+['\"]:")
ROLE_CODES = re.compile(r"(?<![\w-])(Admin|Manager|Sales|Reviewer|Finance|Auditor)(?![\w-])")
EDIT_LINK = re.compile(r'href="(/[a-z]+view/edit/\d+)[^"]*"')


def _codes() -> set[str]:
    """Stored codes no person should read: those of two words or more (bank_transfer,
    equal_installment…), and the allocation orders (penalty,fee,interest,principal)."""
    from app.loans.inputs import PAYMENT_CHANNELS

    codes = {m.value for enum in _enums() for m in enum if "_" in m.value}
    return codes | {c for c in PAYMENT_CHANNELS if "_" in c}


def _enums():
    seen, todo = set(), list(LabelledEnum.__subclasses__())
    while todo:
        enum = todo.pop()
        if enum not in seen:
            seen.add(enum)
            todo.extend(enum.__subclasses__())
    return seen


class ReadText(HTMLParser):
    """Everything a person reads: text (tables included), option labels, the values of
    visible inputs and their placeholders, and tooltips."""

    SKIP = {"script", "style", "title"}

    def __init__(self):
        super().__init__()
        self.depth_skipped = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.SKIP:
            self.depth_skipped += 1
        if tag == "input" and a.get("type") not in ("hidden", "checkbox", "radio", "submit"):
            self.texts += [a.get("value") or "", a.get("placeholder") or ""]
        if a.get("title") and tag != "link":
            self.texts.append(a["title"])
        if tag in ("input", "textarea") and a.get("placeholder"):
            self.texts.append(a["placeholder"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth_skipped:
            self.depth_skipped -= 1

    def handle_data(self, data):
        if not self.depth_skipped and data.strip():
            self.texts.append(data.strip())


def read_text(html: str) -> list[str]:
    parser = ReadText()
    parser.feed(html)
    return parser.texts


def raw_tokens(texts, codes: set[str], chinese: bool) -> set[str]:
    found = set()
    for text in texts:
        found |= set(RAW_WORDS.findall(text))
        found |= set(PYTHON_LIST.findall(text)) | set(PYTHON_DICT.findall(text))
        if chinese:
            found |= set(ROLE_CODES.findall(text))
        words = set(re.findall(r"[a-z]+(?:_[a-z]+)+", text))
        found |= words & codes
        if re.search(r"\b(?:penalty|fee|interest|principal)(?:,(?:penalty|fee|interest|"
                     r"principal)){1,3}\b", text):
            found.add(text)
    return found


def with_edit_pages(client, pages):
    """The crawl's pages, plus the edit form of the first record each list offers to edit."""
    extra = []
    for url, html in pages:
        if url.endswith("/list/"):
            link = EDIT_LINK.search(html)
            if link:
                response = client.get(link.group(1))
                if response.status_code == 200:
                    extra.append((link.group(1), response.get_data(as_text=True)))
    return pages + extra


@pytest.mark.parametrize("username", [u for u, *_ in DEMO_USERS])
def test_no_raw_value_on_any_page(app, username):
    codes = _codes()
    client = app.test_client()
    client.post("/login/", data={"username": username, "password": DEMO_PASSWORD})
    problems = []
    try:
        for lang in ("zh_CN", "en"):
            client.get(f"/lang/{lang}")
            for url, html in with_edit_pages(client, pages_for(client, app)):
                found = raw_tokens(read_text(html), codes, chinese=lang == "zh_CN")
                if found:
                    problems.append(f"{lang} {url}: {sorted(found)}")
    finally:
        client.get("/lang/zh_CN")
    assert not problems, "\n".join(problems)


def test_the_crawl_finds_what_it_looks_for():
    """The checks themselves, on hand-made pages (a crawl that finds nothing proves
    nothing by itself)."""
    codes = {"bank_transfer", "credit_query"}
    page = ("<table><tr><td>None</td><td>[Sales]</td><td>bank_transfer</td></tr></table>"
            "<select><option value='__None'>__None</option></select>"
            "<p>penalty,fee,interest,principal</p><p>{'age': '32'}</p><p>Admin</p>"
            "<input type='text' value='False'>")
    found = raw_tokens(read_text(page), codes, chinese=True)
    assert {"None", "[Sales]", "bank_transfer", "__None", "{'age':", "Admin",
            "False", "penalty,fee,interest,principal"} <= found
    clean = "<p>身份证号 1101**********002X</p><p>[未设置]</p><p>AP20260101ABC123</p>"
    assert raw_tokens(read_text(clean), codes, chinese=True) == set()
