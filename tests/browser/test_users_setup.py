"""Issue 17 in a browser: the admin makes a login and its staff profile in one form.

The form asks 姓 before 名, roles by their Chinese names, the branch (preselected) and a team
of that branch only; a wrong mobile number is refused beside its field with everything
typed kept; once saved, the person is on the user list (姓名, 业务员…) and the staff list.
Screenshots: test-artifacts/browser/users-*.png.
"""

from __future__ import annotations

from tests.browser.day_support import flashes, list_rows, multi_add, submit, url
from tests.browser.support import assert_local_only, assert_no_console_errors, shot

SURNAME, GIVEN, USERNAME, PASSWORD = "欧阳", "娜娜", "ouyang_nana", "Nana#Staff2026"


def _options(page, select_id: str) -> list[str]:
    return [t.strip() for t in page.locator(f"#{select_id} option").all_inner_texts()]


def test_admin_creates_a_login_with_its_staff_profile_in_one_form(page_for):
    admin = page_for("admin")
    admin.goto(url(admin, "/users/add"))
    labels = [t.strip(" *\n") for t in admin.locator("form label").all_inner_texts()]
    assert labels[:3] == ["姓", "名", "用户名"], labels
    assert "分公司" in labels and "团队" in labels and "手机号码" in labels
    assert admin.locator("#branch option:checked").inner_text() == "福州总部"  # the admin's

    # The team offers the teams of the chosen branch only.
    admin.select_option("#branch", label="厦门分部")
    assert _options(admin, "team") == ["", "销售组"]
    admin.select_option("#branch", label="福州总部")
    assert _options(admin, "team") == ["", "销售一组", "销售二组"]

    admin.fill("#last_name", SURNAME)
    admin.fill("#first_name", GIVEN)
    admin.fill("#username", USERNAME)
    admin.fill("#password", PASSWORD)
    admin.fill("#conf_password", PASSWORD)
    multi_add(admin, "roles", "业务员")
    admin.select_option("#team", label="销售一组")
    admin.fill("#mobile", "1380591")  # too short
    submit(admin)
    message = admin.locator("xpath=//input[@id='mobile']/following-sibling::"
                            "div[contains(@class, 'alert-danger')]")
    assert message.inner_text().strip() == "手机号码必须为以13至19开头的11位数字。"
    assert admin.locator(".alert-danger").count() == 1  # only that field is wrong
    assert admin.input_value("#last_name") == SURNAME and admin.input_value("#mobile") == \
        "1380591"
    assert admin.locator("#team option:checked").inner_text() == "销售一组"  # kept
    shot(admin, "users-01-mobile-refused-input-kept")

    admin.fill("#mobile", "13805910001")
    admin.fill("#password", PASSWORD)  # a password is never sent back to the page
    admin.fill("#conf_password", PASSWORD)
    shot(admin, "users-02-add-form-filled")
    submit(admin)
    assert f"已创建登录账号 {USERNAME} 及 {SURNAME}{GIVEN} 的员工档案。" in flashes(admin)
    row = list_rows(admin).filter(has_text=USERNAME)
    cells = row.inner_text()
    assert f"{SURNAME}{GIVEN}" in cells and "业务员" in cells and "福州总部" in cells
    assert "[" not in cells and "True" not in cells and "None" not in cells
    shot(admin, "users-03-user-list")

    admin.goto(url(admin, "/staffview/list/"))
    staff = list_rows(admin).filter(has_text=f"{SURNAME}{GIVEN}")
    assert staff.count() == 1 and "销售一组" in staff.inner_text()
    assert admin.locator("#missing-staff").count() == 0  # every login has its profile
    shot(admin, "users-04-staff-list")
    assert_local_only(admin)
    assert_no_console_errors(admin)
