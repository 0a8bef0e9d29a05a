"""List pages staff find things in (issue 17): the quick-search box, the active filters in
words, the status tabs, "contains" first for names, and the lists that explain where their
records come from.

Every expectation is computed here from the seeded rows (Python over the demo data, or a
plain count by column), never from the listing code; the page's own record count and its
show links are what is compared.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Channel, Customer, Loan, Staff
from app.views.listing import contains, resolve

COUNT = re.compile(r"(?:记录数|Record Count):</strong>\s*(\d+)")
# The applications' tabs in the life-cycle order, as the zh_CN catalog names the states.
APPLICATION_TABS = ["全部", "草稿", "已提交", "评分中", "审核中", "审批通过", "已拒绝", "已撤回",
                    "已签约", "已放款", "还款中", "逾期", "已结清", "已核销"]
APPLICATION_CODES = ["draft", "submitted", "scoring", "under_review", "approved", "rejected",
                     "withdrawn", "contracted", "disbursed", "repaying", "overdue", "settled",
                     "written_off"]


def page(client, url, **args):
    response = client.get(url, query_string=args or None)
    assert response.status_code == 200, (url, args, response.status_code)
    html = response.get_data(as_text=True)
    found = COUNT.search(html)
    assert found, f"no record count on {url}"
    return int(found.group(1)), html


def text_of(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(html: str, element_id: str) -> str:
    start = html.find(f'id="{element_id}"')
    return "" if start < 0 else html[start:html.find("</div>", start)]


def staff_id(app, username: str) -> int:
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        return db.session.scalar(select(Staff.id).where(Staff.user_id == user.id))


@pytest.fixture()
def sales1_customer(app):
    """One of sales1's people, with their clear name, mobile and ID number."""
    owner = staff_id(app, "sales1")
    with app.app_context():
        c = db.session.scalars(select(Customer).where(
            Customer.owner_id == owner, Customer.kind == "person").order_by(Customer.id)).first()
        return {"id": c.id, "name": c.name, "phone": c.phone, "id_number": c.id_number}


def all_customers(app):
    with app.app_context():
        return [(c.id, c.name, c.owner_id) for c in db.session.scalars(select(Customer))]


# -- the quick search -------------------------------------------------------------------

def test_part_of_a_name_finds_every_customer_whose_name_contains_it(app, client, auth,
                                                                    sales1_customer):
    auth.login("admin")
    part = sales1_customer["name"][1:]  # the given name, without the surname
    expected = {i for i, name, _o in all_customers(app) if part in name}
    count, html = page(client, "/customerview/list/", q=part, psize_CustomerView=100)
    assert count == len(expected)
    assert f"/customerview/show/{sales1_customer['id']}" in html
    shown = {int(pk) for pk in re.findall(r"/customerview/show/(\d+)", html)}
    assert shown == expected


def test_a_mobile_is_found_whole_and_not_by_a_part(client, auth, sales1_customer):
    auth.login("admin")
    count, html = page(client, "/customerview/list/", q=sales1_customer["phone"])
    assert count == 1 and f"/customerview/show/{sales1_customer['id']}" in html
    count, _html = page(client, "/customerview/list/", q=sales1_customer["phone"][:7])
    assert count == 0
    # spaces typed inside a number do not matter (the hash reads it without them)
    spaced = sales1_customer["phone"][:3] + " " + sales1_customer["phone"][3:]
    assert page(client, "/customerview/list/", q=spaced)[0] == 1


def test_an_id_number_is_found_whole(client, auth, sales1_customer):
    auth.login("admin")
    count, html = page(client, "/customerview/list/", q=sales1_customer["id_number"].lower())
    assert count == 1 and f"/customerview/show/{sales1_customer['id']}" in html
    assert page(client, "/customerview/list/", q=sales1_customer["id_number"][:14])[0] == 0


def test_an_application_is_found_by_the_beginning_of_its_number(app, client, auth):
    with app.app_context():
        numbers = list(db.session.scalars(select(Application.number)))
    dated = sorted(n for n in numbers if n[2:8].isdigit())  # the numbers the app gives
    start = dated[len(dated) // 2][:8]  # e.g. AP202608: one month's numbers
    expected = [n for n in numbers if n.startswith(start)]
    auth.login("admin")
    count, html = page(client, "/applicationview/list/", q=start.lower(),
                       psize_ApplicationView=100)
    assert count == len(expected) > 0
    assert all(n in html for n in expected)
    # a number's middle is not its beginning
    assert page(client, "/applicationview/list/", q=start[2:])[0] == len(
        [n for n in numbers if n.startswith(start[2:])]) == 0


def test_an_application_is_found_by_its_customers_name(app, client, auth, sales1_customer):
    with app.app_context():
        expected = db.session.scalar(select(func.count()).select_from(Application).join(
            Customer, Application.customer_id == Customer.id).where(
            Customer.name.contains(sales1_customer["name"])))
    auth.login("admin")
    assert page(client, "/applicationview/list/", q=sales1_customer["name"])[0] == expected


def test_the_search_keeps_to_the_users_rows(app, client, auth, sales1_customer):
    sales2 = staff_id(app, "sales2")
    auth.login("sales2")
    name = sales1_customer["name"]
    own_namesakes = [i for i, n, owner in all_customers(app) if name in n and owner == sales2]
    count, html = page(client, "/customerview/list/", q=name)
    assert count == len(own_namesakes)
    assert f"/customerview/show/{sales1_customer['id']}" not in html
    assert page(client, "/customerview/list/", q=sales1_customer["phone"])[0] == 0
    assert page(client, "/customerview/list/", q=sales1_customer["id_number"])[0] == 0
    auth.logout()
    auth.login("sales1")
    assert page(client, "/customerview/list/", q=sales1_customer["phone"])[0] == 1


@pytest.mark.parametrize("url", ["/customerview/list/", "/applicationview/list/",
                                 "/loanview/list/", "/repaymentview/list/",
                                 "/contractview/list/", "/followupview/list/"])
@pytest.mark.parametrize("typed", ["%", "_", "\\", "'", '"', "' OR 1=1 --", "%%_", "😀",
                                   "张\x00三", "<script>alert(1)</script>"])
def test_hostile_text_answers_200_and_matches_nothing(client, auth, url, typed):
    auth.login("admin")
    count, html = page(client, url, q=typed)
    assert count == 0  # escaped: a "%" matches a "%", which no demo record holds
    assert "<script>alert(1)</script>" not in html


def test_an_overlong_search_is_not_applied_and_says_why(client, auth):
    auth.login("admin")
    total, _html = page(client, "/customerview/list/")
    count, html = page(client, "/customerview/list/", q="张" * 500)
    assert count == total
    assert "搜索内容超过 100 个字符，未按它筛选。" in html
    assert 'id="active-filters"' not in html  # nothing filters the list


def test_blank_search_is_no_search(client, auth):
    auth.login("admin")
    total, _html = page(client, "/customerview/list/")
    count, html = page(client, "/customerview/list/", q="   ")
    assert count == total and 'id="active-filters"' not in html


@pytest.mark.parametrize("args", [
    {"_flt_9_created_at": "2026-01-01"},  # a date column has 4 operators (FAB: IndexError)
    {"_flt_0_name": "\x00"},  # PostgreSQL refuses NUL in text
    {"_flt_0_channel": "9" * 20}, {"_flt_0_channel": "9" * 5000},  # no id (OverflowError)
    {"_flt_0_channel": "abc"}, {"_flt_0_channel": "-1"}])
def test_hand_made_filter_arguments_are_left_out(client, auth, args):
    auth.login("admin")
    total, _html = page(client, "/customerview/list/")
    count, html = page(client, "/customerview/list/", **args)
    assert count == total and 'id="active-filters"' not in html


def test_an_empty_relation_filter_lists_the_records_without_one(app, client, auth):
    with app.app_context():
        expected = db.session.scalar(select(func.count()).select_from(Customer).where(
            Customer.channel_id.is_(None)))
    auth.login("admin")
    assert page(client, "/customerview/list/", _flt_0_channel="__None")[0] == expected


def test_the_search_works_with_a_tab_paging_ordering_and_the_csv(app, client, auth):
    with app.app_context():
        rows = db.session.execute(select(Application.number, Application.state)).all()
    expected = [n for n, s in rows if n.startswith("AP2026") and s == "repaying"]
    assert len(expected) > 2
    auth.login("admin")
    args = {"q": "AP2026", "_flt_3_state": "repaying", "psize_ApplicationView": 2}
    count, html = page(client, "/applicationview/list/", **args)
    assert count == len(expected)
    links = [unescape(h) for h in re.findall(r'href="([^"]*page_ApplicationView=1[^"]*)"', html)]
    assert links and all("q=AP2026" in h and "_flt_3_state=repaying" in h for h in links)
    order = [unescape(h) for h in re.findall(r'href=([^ >]*_oc_ApplicationView=number[^ >]*)',
                                             html)]
    assert order and "q=AP2026" in order[0]
    csv = client.get("/applicationview/csv", query_string={**args, "purpose": "test"})
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()[1:]
    assert sorted(line.split(",")[0] for line in lines) == sorted(expected)


# -- the active filters -----------------------------------------------------------------

def test_active_filters_read_in_words_and_each_can_be_removed(app, client, auth):
    with app.app_context():
        channel = db.session.scalars(select(Channel).order_by(Channel.id)).first()
        channel_id, channel_name = channel.id, channel.name
    auth.login("admin")
    args = {"_flt_3_kind": "person", "_flt_0_channel": str(channel_id),
            "_flt_1_created_at": "2026-01-31 08:00", "q": "陈"}
    _count, html = page(client, "/customerview/list/", **args)
    shown = text_of(section(html, "active-filters"))
    assert "类型 等于 个人" in shown, shown
    assert f"渠道 等于 {channel_name}" in shown
    assert "创建 大于 2026年1月31日 08:00" in shown  # typed on the firm's clock, shown so
    assert "搜索 “陈”" in shown
    for raw in ("person", "_flt_", "__None", str(channel_id) + " "):
        assert raw not in shown
    removes = [unescape(h) for h in re.findall(
        r'class="ld-chip-remove" href="([^"]*)"', section(html, "active-filters"))]
    assert len(removes) == 4
    # the kind chip's ×: every other filter stays
    kind_gone = [h for h in removes if "_flt_3_kind" not in h]
    assert len(kind_gone) == 1 and "_flt_0_channel" in kind_gone[0] and "q=" in kind_gone[0]
    clear = unescape(re.search(r'id="clear-filters"', html) and re.search(
        r'href="([^"]*)" id="clear-filters"', html).group(1))
    assert clear == "/customerview/list/"


def test_dates_and_empty_values_read_as_people_read_them(client, auth):
    auth.login("admin")
    _count, html = page(client, "/loanview/list/", _flt_1_disbursed_on="2026-03-01",
                        _flt_0_funder="__None")
    shown = text_of(section(html, "active-filters"))
    assert "放款日期 大于 2026年3月1日" in shown and "资金方 等于 （空）" in shown, shown


# -- status tabs ------------------------------------------------------------------------

def test_application_tabs_follow_the_life_cycle_and_filter_by_state(app, client, auth):
    with app.app_context():
        by_state = dict(db.session.execute(
            select(Application.state, func.count()).group_by(Application.state)).all())
    auth.login("admin")
    total, html = page(client, "/applicationview/list/")
    tabs = re.findall(r'<li role="presentation"( class="active")?><a href="([^"]*)" '
                      r'data-code="([^"]*)">([^<]*)</a>', section(html, "status-tabs"))
    assert [label for _a, _h, _c, label in tabs] == APPLICATION_TABS
    assert tabs[0][0] and not any(active for active, *_rest in tabs[1:])
    assert [code for _a, _h, code, _l in tabs[1:]] == APPLICATION_CODES
    for active, href, code, _label in tabs[1:]:
        count, tab_html = page(client, unescape(href))
        assert count == by_state.get(code, 0), code
        marked = re.findall(r'class="active"><a href="[^"]*" data-code="([^"]*)"', tab_html)
        assert marked == [code]
        assert 'id="active-filters"' not in tab_html  # the tab says it; no chip repeats it
    assert total == sum(by_state.values())


def test_customer_tabs_combine_with_the_search_and_the_users_scope(app, client, auth):
    owner = staff_id(app, "sales1")
    with app.app_context():
        mine = [(c.name, c.status) for c in db.session.scalars(
            select(Customer).where(Customer.owner_id == owner))]
    auth.login("sales1")
    _total, html = page(client, "/customerview/list/")
    labels = re.findall(r'data-code="[^"]*">([^<]*)</a>', section(html, "status-tabs"))
    assert labels == ["全部", "潜在客户", "有效", "黑名单"]
    for status in ("lead", "active", "blacklisted"):
        assert page(client, "/customerview/list/", _flt_3_status=status)[0] == len(
            [n for n, s in mine if s == status])
    surname = mine[0][0][0]
    assert page(client, "/customerview/list/", _flt_3_status="active", q=surname)[0] == len(
        [n for n, s in mine if s == "active" and surname in n])


# -- "contains" first for names ---------------------------------------------------------

def search_operators(html: str) -> dict[str, list[str]]:
    """FAB's filter form: {column: [operator names, in the order offered]}."""
    found = re.search(r"new AdminFilters\(\s*'#filter_form',\s*(.*?)\);", html, re.DOTALL)
    args = json.loads("[" + found.group(1) + "]")
    return args[2]


def test_names_are_searched_with_contains_first_and_numbers_with_starts_with(client, auth):
    auth.login("admin")
    customers = search_operators(page(client, "/customerview/list/")[1])
    assert customers["name"][0] == "包含" and customers["city"][0] == "包含"
    assert customers["name"][3] == "等于"  # "equal to" keeps its place (_flt_3_ in links)
    applications = search_operators(page(client, "/applicationview/list/")[1])
    assert applications["number"][0] == "开头是"
    documents = search_operators(page(client, "/documentview/list/")[1])
    assert documents["original_name"][0] == "包含"


def test_operator_0_on_a_name_is_contains(app, client, auth, sales1_customer):
    part = sales1_customer["name"][1:]
    auth.login("admin")
    assert page(client, "/customerview/list/", _flt_0_name=part)[0] == len(
        [i for i, n, _o in all_customers(app) if part in n])


# -- lists without "add" ----------------------------------------------------------------

def test_the_loan_list_says_how_a_loan_is_made_and_links_the_approved_applications(
        app, client, auth):
    with app.app_context():
        approved = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.state == "approved"))
    auth.login("finance")
    _count, html = page(client, "/loanview/list/")
    assert "/loanview/add" not in html
    help_text = text_of(section(html, "list-help"))
    assert "贷款由审批通过的进件生成" in help_text and "「按批准条件生成借款」" in help_text
    link = unescape(re.search(r'href="([^"]*)" id="list-help-link"', html).group(1))
    assert link == "/applicationview/list/?_flt_3_state=approved"
    assert page(client, link)[0] == approved


@pytest.mark.parametrize(("url", "words"), [
    ("/repaymentview/list/", "「还款入账」"), ("/contractview/list/", "「生成：借款合同」")])
def test_lists_without_add_say_where_their_records_come_from(client, auth, url, words):
    auth.login("admin")
    assert words in text_of(section(page(client, url)[1], "list-help"))


# -- declarations are checked at start-up -----------------------------------------------

def test_a_sensitive_column_can_only_be_matched_whole():
    with pytest.raises(ValueError, match="encrypted"):
        resolve(Customer, contains("phone"), "CustomerView")
    with pytest.raises(ValueError, match="no column"):
        resolve(Loan, contains("customer.nmae"), "LoanView")
    with pytest.raises(ValueError, match="many-to-one"):
        resolve(Customer, contains("contacts.name"), "CustomerView")


def test_every_main_list_has_a_quick_search(app):
    from app.views.base import LoanDeskModelView
    from app.views.menu import MENU

    # Code tables of a few rows, searched by nothing a person would type.
    exempt = {"LprRateView", "RepaymentMethodView", "ContractTemplateView"}
    missing = [view.__name__ for view, label, *_ in MENU
               if label is not None and issubclass(view, LoanDeskModelView)
               and view.__name__ not in exempt and not view.quick_search]
    assert missing == []
