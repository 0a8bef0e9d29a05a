"""Helpers for tests/browser/test_firm_day.py: driving FAB's widgets (select2, AJAX
selects, the date picker, list filters) the way a user does, reading flashes and tables,
and writing down the app bugs a step runs into without stopping the day.

``known_bug(text)`` records a bug that does not block the flow (the step carries on, with
a workaround where one is needed); the module's last test xfails listing them, so they show
up in every run (``pytest -rx``) until they are fixed.
"""

from __future__ import annotations

import re
import struct
import zlib
from urllib.parse import quote

from tests.browser.support import page_log

KNOWN_BUGS: list[str] = []

# The bugs the day runs into, as they are reported (with the steps to see them).
BUGS = {
    "masked_placeholder":
        "Sensitive fields of an add form show a masked '<unset value>' as their placeholder "
        "(phone {placeholder!r}, ID number '*************', bank card '****lue>'): "
        "SensitiveField.process masks wtforms' unset_value (app/sensitive.py). Steps: "
        "sales1 → 客户 → 新增.",
    "follow_up_time":
        "A follow-up cannot be saved from its add form: 发生时间 is prefilled with utcnow() "
        "with microseconds ('2026-01-05 07:06:02.029021', in UTC, not the firm's time), "
        "which the form refuses ('不是有效的日期与时间值。'), and the date picker strips a "
        "typed time on blur (format yyyy-mm-dd), so a user cannot enter a valid value "
        "either. Steps: sales1 → 跟进记录 → 新增 → pick a customer, type a note → 保存. (The "
        "test sets the field's value by script to go on.)",
    "staff_inactive":
        "A new staff profile's 启用 (active) box is unticked on the add form although "
        "Staff.active defaults to True: saved as is, the person is inactive (an inactive "
        "reviewer is never assigned). The BooleanField LoanDeskModelView substitutes for "
        "NOT NULL booleans drops the model's default. Steps: admin → 员工 → 新增.",
    "english_403":
        "A logged-in user refused a page gets Werkzeug's bare English '403 Forbidden' page "
        "(no menus, no Chinese): FAB 5's has_access aborts 403 instead of redirecting to "
        "the login page, so the after_request hook in app/web.py that renders "
        "'您没有打开此页面的权限。' never fires. Steps: take 'can read on Customer' from "
        "Sales, open /customerview/list/ as a salesperson (or /auditlogview/list/ as sales2).",
    "audit_create_id":
        "Audit entries of created records have no record id (记录ID empty), so filtering "
        "the audit log by a record never shows its creation: _after_flush in app/audit.py "
        "reads the identity before the flush has assigned it. Steps: create any record; "
        "审计日志 → 记录类型=customer, 记录ID=<its id>.",
    "audit_owner":
        "The audit entry of a reassignment does not say who the new owner is: the "
        "manager's edit is logged as {changes} — the owner is set through the relationship "
        "and owner_id only changes inside the flush, after before_flush has diffed the "
        "columns (app/audit.py). Steps: manager → 进件 → 编辑 a draft → 负责人 → 保存; "
        "auditor → 审计日志.",
    "audit_user_roles":
        "The roles given to a new user are not in the audit log: the ab_user creation entry "
        "lists its columns only, and role grants are diffed only on users that already "
        "exist. Steps: admin → 用户 → 新增 with a role; auditor → 审计日志 → 记录类型=ab_user.",
    "select2_english":
        "The AJAX related-field select speaks English in the Chinese UI: {offered} ('No "
        "results found', 'Loading more results…', 'Searching…'): app/static/js/"
        "ajax_select.js sets no select2 language. Steps: any add form with a customer "
        "field, type a name.",
    "edit_conflict":
        "Every save of the application edit form is refused with '自您打开后，有人修改了此"
        "记录。您的修改未保存…' although nobody else touched the record (since c70069b, "
        "row versions): ApplicationView.pre_update runs prepare() and has_access() before "
        "LoanDeskModelView.pre_update's check_unchanged; their queries autoflush the pending "
        "edit, which bumps row_version, so the form's version looks stale. A manager cannot "
        "reassign an application from the screen (nor a salesperson edit a draft's terms). "
        "Steps: manager → 进件 → 编辑 any application → 负责人 黄丽华 (or only 用途) → 保存.",
    "english_404":
        "A record out of reach answers Werkzeug's bare English '404 Not Found' page (no "
        "menus, no Chinese) — right status, wrong page for a Chinese UI. Steps: sales2 "
        "opens /customerview/show/<a sales1 customer's id>.",
}

# Chromium logs a refused navigation (403/404) as a console error; it is expected where a
# test opens a refused URL on purpose, and nowhere else.
_FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of "
                          r"(403|404)")


def known_bug(text: str) -> None:
    if text not in KNOWN_BUGS:
        KNOWN_BUGS.append(text)


def check_or_bug(condition: bool, bug: str, **details) -> bool:
    """A check whose failure is a known, non-blocking app bug (a key of ``BUGS``):
    recorded, not raised."""
    if not condition:
        known_bug(BUGS[bug].format(**details))
    return condition


def url(page, path: str) -> str:
    return page_log(page).base_url + path


def open_menu(page, href: str) -> None:
    """Open the navbar dropdown holding ``href`` and follow it, as a user does."""
    page.locator("li.dropdown", has=page.locator(f"a[href='{href}']")).locator(
        "a.dropdown-toggle").first.click()
    with page.expect_navigation():
        page.locator(f".navbar a[href='{href}']").click()


def menu_has(page, href: str) -> bool:
    return page.locator(f".navbar a[href='{href}']").count() > 0


def assert_console_clean(page, refused: tuple[str, ...] = ()) -> None:
    """No console errors, except Chromium's note on each URL opened to be refused."""
    allowed = {url(page, path) for path in refused}
    errors = []
    for kind, text, source in page_log(page).console:
        if kind != "error" or "favicon" in source:
            continue
        if _FAILED_LOAD.search(text) and source in allowed:
            continue
        errors.append(f"{text} ({source})")
    errors += [f"uncaught: {e}" for e in page_log(page).page_errors]
    assert not errors, "console errors:\n" + "\n".join(errors)


# --- forms ----------------------------------------------------------------------------------

def submit(page, selector: str = "button[type=submit].btn-primary") -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def flashes(page) -> str:
    return "\n".join(page.locator(".alert").all_inner_texts())


def type_date(page, selector: str, value: str) -> None:
    """Type into a FAB date field with the keyboard, as a user does: the date picker reads
    keystrokes (a programmatic fill is wiped when the field loses focus)."""
    page.click(selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Escape")


def select2_open(page, select_id: str) -> None:
    page.click(f"#{select_id} + .select2 .select2-selection")


def ajax_search(page, select_id: str, term: str) -> list[str]:
    """Type ``term`` into an AJAX related-field select; returns the options offered, after
    the server's answer to that very term has been drawn."""
    select2_open(page, select_id)
    with page.expect_response(lambda r: "/lookup/" in r.url and "q=&" not in r.url) as answer:
        page.fill(".select2-container--open .select2-search__field", term)
    assert answer.value.status == 200
    page.wait_for_function(_DRAWN, arg=term)  # not the list drawn for the empty term
    return page.locator(".select2-container--open .select2-results__option").all_inner_texts()


# The dropdown shows the answer to ``term``: a message (nothing found), or options that all
# start with it (customers are looked up by the start of their name), none still loading.
_DRAWN = """(term) => {
  const all = [...document.querySelectorAll(
      '.select2-container--open .select2-results__option')];
  const shown = all.filter(o => !o.classList.contains('loading-results'));
  if (!shown.length) return false;
  return shown.every(o => o.classList.contains('select2-results__message')
                          || o.textContent.trim().startsWith(term));
}"""


def ajax_pick(page, select_id: str, term: str, text: str) -> None:
    options = ajax_search(page, select_id, term)
    assert text in options, f"{text!r} not offered for {term!r}: {options}"
    page.locator(".select2-container--open .select2-results__option",
                 has_text=text).first.click()
    assert page.input_value(f"#{select_id}"), f"nothing chosen in #{select_id}"


def multi_remove(page, select_id: str, title: str) -> None:
    """Remove one chosen value (a tag) from a select2 multiple select."""
    container = page.locator(f"#{select_id} + .select2")
    container.locator(f".select2-selection__choice[title='{title}'] "
                      ".select2-selection__choice__remove").click()
    page.keyboard.press("Escape")
    assert container.locator(f".select2-selection__choice[title='{title}']").count() == 0


def multi_add(page, select_id: str, text: str) -> None:
    """Add one value to a select2 multiple select by typing it and picking the exact match."""
    select2_open(page, select_id)
    page.fill(".select2-container--open .select2-search__field", text)
    page.locator(".select2-container--open .select2-results__option").filter(
        has_text=re.compile(f"^{re.escape(text)}$")).click()
    page.keyboard.press("Escape")
    assert page.locator(f"#{select_id} + .select2 .select2-selection__choice[title='{text}']"
                        ).count() == 1


def list_filter(page, column: str, value: str, operator: str | None = None) -> None:
    """Filter a FAB list through its search panel: 搜索 → 添加筛选条件 → column → value."""
    if not page.locator("#filter_form").is_visible():
        page.click("a.accordion-toggle")
        page.locator("#filter_form").wait_for(state="visible")
    page.click("#filter_form button.dropdown-toggle")
    page.click(f"#filter_form a.filter[name={column}]")
    row = page.locator("#filter_form table.filters tr").last
    if operator is not None:
        row.locator("select.filter-op").select_option(label=operator)
    field = row.locator(".filter_val")
    if field.evaluate("e => e.tagName") == "SELECT":  # a coded column: pick its label
        field.select_option(label=value)
    else:
        field.fill(value)
    submit(page, "#filter_form button[type=submit]")


# --- reading pages --------------------------------------------------------------------------

def list_rows(page):
    """The rows of a FAB list (not the filter table)."""
    return page.locator("table.table-bordered > tbody > tr")


def row_link(page, text: str, action: str = "show") -> str:
    """The href of the show/edit link of the first list row containing ``text``."""
    row = list_rows(page).filter(has_text=text).first
    return row.locator(f"a[href*='/{action}/']").first.get_attribute("href")


def pk_of(href: str) -> int:
    return int(re.search(r"/(\d+)/?(?:\?.*)?$", href).group(1))


def show_field(page, label: str) -> str:
    """The value beside ``label`` (a ``<th>``) on a FAB show page."""
    row = page.locator("tr").filter(
        has=page.locator("th", has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$"))
    ).filter(has=page.locator("td")).first
    return row.locator("td").first.inner_text().strip()


def installment(page, n: int) -> dict:
    """Installment ``n`` as shown in the loan page's 还款计划 tab."""
    page.click("a[href='#InstallmentView']")
    row = page.locator("#InstallmentView table tbody tr").filter(
        has=page.locator("td:nth-child(3)", has_text=re.compile(f"^{n}$")))
    cells = row.locator("td").all_inner_texts()
    keys = ["view", "loan", "n", "due_date", "principal", "interest", "fee", "penalty",
            "state", "days_past_due"]
    return dict(zip(keys, (c.strip() for c in cells), strict=True))


def audit_entries(page, **equal) -> list[str]:
    """Show links of the audit entries matching every column exactly (FAB's 等于 filter)."""
    query = "&".join(f"_flt_3_{k}={quote(str(v))}" for k, v in equal.items())
    page.goto(url(page, f"/auditlogview/list/?{query}"))
    return [a.get_attribute("href") for a in
            list_rows(page).locator("a[href*='/auditlogview/show/']").all()]


def audit_changes(page, href: str) -> str:
    """What an audit entry says changed (its 变更内容)."""
    page.goto(url(page, href))
    return show_field(page, "变更内容")


def money(text: str) -> float:
    return float(text.replace("¥", "").replace(",", "").strip() or 0)


# --- files ----------------------------------------------------------------------------------

def tiny_png(width: int = 48, height: int = 30) -> bytes:
    """A real PNG (an ID card's pale blue rectangle), made here: no fixture file needed."""
    raw = b"".join(b"\x00" + b"\xd8\xe8\xf8" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# --- issue 17's day (tests/browser/test_firm_day_safeguards.py) ----------------------------

_REFUSED_STATUS = re.compile(r"Failed to load resource: the server responded with a status "
                             r"of (\d{3})")


def assert_console_clean_refusals(page, refused: dict[str, int]) -> None:
    """No console errors, except Chromium's note on each URL that answered the refusal
    status expected of it (``{"/applicationview/edit/7": 409}``)."""
    allowed = {(url(page, path), str(status)) for path, status in refused.items()}
    errors = []
    for kind, text, source in page_log(page).console:
        if kind != "error" or "favicon" in source:
            continue
        match = _REFUSED_STATUS.search(text)
        if match and (source, match.group(1)) in allowed:
            continue
        errors.append(f"{text} ({source})")
    errors += [f"uncaught: {e}" for e in page_log(page).page_errors]
    assert not errors, "console errors:\n" + "\n".join(errors)


def schedule(page) -> list[dict[str, str]]:
    """The loan page's 还款计划 tab: one dict per installment, keyed by the column headers
    as shown (期次, 应还日期, 本金, 利息, 费用, 罚息, 应还合计, 未还金额, 状态, …)."""
    page.click("a[href='#InstallmentView']")
    table = page.locator("#InstallmentView table").first
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    rows = []
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        if len(cells) == len(headers):
            rows.append(dict(zip(headers, cells, strict=True)))
    return rows


# Bugs met by the day since issue 17 put the audit log in words.
BUGS["audit_owner_ids"] = (
    "The audit entry of a reassignment names the owner by its database id, not in words: "
    "the manager's edit reads {changes} (readable_changes in app/audit.py labels foreign "
    "keys by their column, owner_id / team_id, and shows their ids). Steps: manager → 进件 "
    "→ 编辑 → 负责人 → 保存; auditor → 审计日志 → the entry.")
BUGS["audit_user_roles_raw"] = (
    "The creation entry of a new user names its roles by code ('角色：Sales'), and its other "
    "lines by column (first_name, last_name, created_by_fk, changed_on: a UTC time with "
    "microseconds): app/audit.py's readable_changes has no labels for ab_user's columns "
    "and prints the roles' own names. Steps: admin → 用户 → 新增 with a role; auditor → "
    "审计日志 → 记录类型=用户, 操作=创建.")
