"""The dashboard in a real browser: every chart drawn by the locally served ECharts (a
canvas with pixels on it), Chinese titles, a refresh from the JSON endpoint without a
reload, the table fallback — and not one request beyond 127.0.0.1."""

from __future__ import annotations

import re

from tests.browser.support import (
    assert_local_only,
    assert_no_console_errors,
    page_log,
    shot,
)

CHARTS = ["funnel", "trend", "products", "funders", "channels", "buckets", "leaderboard"]

# Pixels actually painted on a chart's canvas (an empty canvas is all transparent).
PAINTED = """(id) => {
  const canvas = document.querySelector('#chart-' + id + ' canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4 * 7) { if (data[i] !== 0) painted++; }
  return painted;
}"""


def test_manager_sees_the_dashboard_drawn(page_for):
    page = page_for("manager")
    base = page_log(page).base_url
    page.goto(base + "/lang/zh_CN")
    page.goto(base + "/dashboard/")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => window.echarts && document.querySelectorAll("
                           "'.chart canvas').length === 7")
    for chart in CHARTS:
        assert page.evaluate(PAINTED, chart) > 50, f"chart {chart} is blank"
    titles = page.locator(".card h3").all_inner_texts()
    assert "逾期账龄分布" in titles and "员工业绩榜" in titles
    assert re.search(r"[\u4e00-\u9fff]", page.locator("#kpis").inner_text())
    shot(page, "dashboard-manager")

    # The minute's refresh, forced: new figures come from the JSON endpoint, no reload.
    marker = page.evaluate("() => { window.__stay = 1; return 1; }")
    with page.expect_response(lambda r: "/api/v1/dashboard" in r.url) as response:
        page.evaluate("() => window.loandeskDashboard.refresh()")
    assert response.value.status == 200
    page.wait_for_function("() => /\\d/.test(document.getElementById('updated').textContent)")
    assert page.evaluate("() => window.__stay") == marker  # the same page, not reloaded

    # The readable fallback: the same figures as tables.
    page.click("#toggle-tables")
    assert page.locator("#table-buckets table").is_visible()
    assert page.locator("#table-funnel td").count() >= 6
    shot(page, "dashboard-tables")

    assert_local_only(page)
    assert_no_console_errors(page)
