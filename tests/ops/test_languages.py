"""Every page, in each language, as every role: no English left in Chinese, no Chinese in
English.  Only the interface is checked; records (names, addresses…) are data, and stay as
they were typed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from seed.demo import DEMO_USERS
from tests.conftest import DEMO_PASSWORD

# Words that are names or codes in both languages.
ALLOWED_WORDS = {"LoanDesk", "PDF", "CSV", "JPEG", "PNG", "LPR", "IRR", "SHA", "API", "JSON",
                 "Excel", "Swagger", "OpenAPI", "English", "WeChat"}
# The language switcher names each language in itself; people's names are data.
ALLOWED_CHINESE = {"简体中文"} | {last + first for _u, first, last, _r, _b in DEMO_USERS}
ENGLISH_WORD = re.compile(r"(?<![\w@./-])[A-Za-z][a-z]{2,}(?![\w@./-])")
CHINESE = re.compile(r"[\u4e00-\u9fff]+")
SHOW_LINK = re.compile(r'href="(/[a-z]+view/show/\d+)"')


class InterfaceText(HTMLParser):
    """Text a person reads as part of the interface: everything but scripts, the contents
    of selects, and data cells of tables (help texts and error messages in them count)."""

    SKIP = {"script", "style", "option", "select", "textarea", "title"}
    KEEP_IN_CELLS = ("help-block", "field-error", "btn", "alert")

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "hr", "meta", "link"):
            return
        self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not data.strip() or any(tag in self.SKIP for tag, _c in self.stack):
            return
        if any({"document", "data"} & set(c.split()) for _t, c in self.stack):
            return  # a contract is a Chinese legal document in either interface language;
            # "data" marks a record's own words (the firm's name…) outside a table
        tags = [tag for tag, _c in self.stack]
        if "td" in tags and not any(k in c for _t, c in self.stack for k in
                                    self.KEEP_IN_CELLS):
            return
        self.texts.append(data.strip())


def interface_text(html: str) -> list[str]:
    parser = InterfaceText()
    parser.feed(html)
    return parser.texts


def english_left(texts):
    return sorted({w for t in texts for w in ENGLISH_WORD.findall(t)} - ALLOWED_WORDS)


def chinese_left(texts):
    found = set()
    for text in texts:
        if text in ALLOWED_CHINESE:
            continue
        found |= set(CHINESE.findall(text))
    return sorted(found - ALLOWED_CHINESE)


def pages_for(client, app):
    """The pages a role can open: every parameterless GET page, plus one record's page of
    every list it can read."""
    urls = ["/", "/calculator/", ("/calculator/?principal=100000&annual_rate_pct=12&months=12"
                                  "&method=equal_installment&start_date=2026-01-31"),
            "/documentview/upload",
            "/users/userinfo/", "/resetmypassword/form", "/dashboard/", "/reports/",
            "/reports/loans/?from=2026-02-30"]
    from app.reports.definitions import REPORTS

    urls += [f"/reports/{name}/" for name in REPORTS]
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.rule.endswith(
                ("/list/", "/add")) and not rule.rule.startswith("/api/"):
            urls.append(rule.rule)
    opened = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.get_data(as_text=True)
        opened.append((url, html))
        if url.endswith("/list/"):
            link = SHOW_LINK.search(html)
            if link:
                show = client.get(link.group(1))
                if show.status_code == 200:
                    opened.append((link.group(1), show.get_data(as_text=True)))
    return opened


@pytest.mark.parametrize("username", [u for u, *_ in DEMO_USERS])
def test_every_page_is_chinese_then_english(app, username):
    client = app.test_client()
    client.post("/login/", data={"username": username, "password": DEMO_PASSWORD})
    problems = []
    client.get("/lang/zh_CN")
    zh_pages = pages_for(client, app)
    assert len(zh_pages) > 5
    for url, html in zh_pages:
        left = english_left(interface_text(html))
        if left:
            problems.append(f"zh_CN {url}: {left}")
    client.get("/lang/en")
    for url, html in pages_for(client, app):
        left = chinese_left(interface_text(html))
        if left:
            problems.append(f"en {url}: {left}")
    client.get("/lang/zh_CN")
    assert not problems, "\n".join(problems)


def test_switching_language_stays_on_the_page_and_is_remembered(app):
    client = app.test_client()
    client.post("/login/", data={"username": "sales2", "password": DEMO_PASSWORD})
    response = client.get("/lang/en", headers={"Referer": "http://localhost/loanview/list/"})
    assert response.status_code == 302 and response.location.endswith("/loanview/list/")
    assert "Loans" in client.get("/loanview/list/").get_data(as_text=True)
    # A new browser: the choice was saved on the user.
    other = app.test_client()
    other.post("/login/", data={"username": "sales2", "password": DEMO_PASSWORD})
    assert "Annual rate" in other.get("/loanview/list/").get_data(as_text=True)
    other.get("/lang/zh_CN")
    assert "年利率" in other.get("/loanview/list/").get_data(as_text=True)


def test_a_foreign_referer_is_not_followed(app):
    client = app.test_client()
    response = client.get("/lang/en", headers={"Referer": "https://evil.example/x"})
    assert response.status_code == 302 and "evil" not in response.location
    client.get("/lang/zh_CN")


def test_api_errors_follow_accept_language(client, auth):
    token = auth.token("sales1")
    headers = {"Authorization": f"Bearer {token}"}
    bad = {"principal": "x", "annual_rate": "0.1", "months": 12, "method": "bullet",
           "start_date": "2026-01-01"}
    zh = client.post("/api/v1/schedule/preview", json=bad,
                     headers={**headers, "Accept-Language": "zh-CN,zh;q=0.9"}).get_json()
    en = client.post("/api/v1/schedule/preview", json=bad,
                     headers={**headers, "Accept-Language": "en-US,en;q=0.9"}).get_json()
    assert zh["errors"]["principal"] == ["请输入数字，例如100000.00。"]
    assert en["errors"]["principal"] == ["Enter a number, such as 100000.00."]


def test_dates_and_money_follow_the_locale(app, client, auth):
    auth.login("admin")
    client.get("/lang/zh_CN")
    html = client.get("/lprrateview/list/").get_data(as_text=True)
    assert "2025年5月20日" in html
    client.get("/lang/en")
    html = client.get("/lprrateview/list/").get_data(as_text=True)
    assert "May 20, 2025" in html
    client.get("/lang/zh_CN")


def test_the_firm_default_language_applies_to_users_without_a_choice(app):
    from app.extensions import db
    from app.models import FirmSetting, UserSetting

    def set_default(value):
        with app.app_context():
            db.session.query(FirmSetting).filter_by(key="ui.default_locale").update(
                {"value": value})
            db.session.commit()

    with app.app_context():
        user_id = app.appbuilder.sm.find_user(username="finance").id
        db.session.query(UserSetting).filter_by(user_id=user_id).delete()
        db.session.commit()
    set_default("en")
    try:
        client = app.test_client()
        client.post("/login/", data={"username": "finance", "password": DEMO_PASSWORD})
        assert "Loans" in client.get("/loanview/list/").get_data(as_text=True)
    finally:
        set_default("zh_CN")
    fresh = app.test_client()
    fresh.post("/login/", data={"username": "finance", "password": DEMO_PASSWORD})
    assert "贷款" in fresh.get("/loanview/list/").get_data(as_text=True)


def test_select2_speaks_the_page_language(app, client, auth):
    """select2 (FAB's 4.0.13 ships English only) gets its messages from the page, in its
    language: the AJAX customer search says 未找到结果, not 'No results found'."""
    import json

    texts = re.compile(r'<script type="application/json" id="ld-select2-texts">(.*?)</script>',
                       re.DOTALL)
    auth.login("sales1")
    client.get("/lang/zh_CN")
    zh = json.loads(texts.search(client.get("/followupview/add").get_data(as_text=True))[1])
    assert zh["noResults"] == "未找到结果" and zh["loadingMore"] == "正在加载更多结果…"
    assert not english_left(zh.values())
    client.get("/lang/en")
    en = json.loads(texts.search(client.get("/followupview/add").get_data(as_text=True))[1])
    assert en["noResults"] == "No results found" and en.keys() == zh.keys()
    client.get("/lang/zh_CN")
    script = client.get("/static/js/ajax_select.js").get_data(as_text=True)
    assert '$.fn.select2.defaults.set("language"' in script  # every select2, FAB's too
    for key in zh:
        assert f"t.{key}" in script, key
