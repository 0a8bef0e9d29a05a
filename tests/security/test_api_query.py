"""An API's ``q`` (Rison, FAB's query argument) that does not parse is malformed input: 400
with the reason in words, on LoanDesk's resources and FAB's own alike.  Found by the fuzz:
``q=1e+16`` made prison raise ValueError, which FAB did not catch (a 500)."""

import pytest

ZH = {"Accept-Language": "zh-CN"}


@pytest.mark.parametrize("path", [
    "/api/v1/customers/_info?q=1e%2B16",
    "/api/v1/customers/?q=1e%2B16",
    "/api/v1/loans/?q=(page:1e%2B16)",
    "/api/v1/security/users/_info?q=1e%2B16",
    "/api/v1/customers/?q=(unclosed",
])
def test_a_query_that_is_not_rison_is_refused_as_malformed(client, auth, path):
    headers = {"Authorization": f"Bearer {auth.token()}", **ZH}
    answer = client.get(path, headers=headers)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["message"] == "查询参数 q 不是有效的 Rison 格式。"


def test_a_rison_query_still_pages_the_list(client, auth):
    headers = {"Authorization": f"Bearer {auth.token()}"}
    answer = client.get("/api/v1/customers/?q=(page:0,page_size:2)", headers=headers)
    assert answer.status_code == 200
    assert len(answer.get_json()["result"]) == 2
