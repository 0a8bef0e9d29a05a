/* The dashboard: draws the embedded figures with ECharts, refreshes them every minute from
   GET /api/v1/dashboard (same range) without reloading the page; tables are the fallback. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var L = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var REFRESH_MS = 60000;
  var charts = {};
  var COLORS = ["#5ab1ef", "#ffd166", "#06d6a0", "#ef476f", "#b388eb", "#f78c6b", "#83d483",
                "#4cc9f0", "#f4a261", "#9d8df1"];

  function num(s) { return s === null || s === undefined ? null : Number(s); }
  function money(s) {
    var v = num(s);
    return v === null ? "–" : "¥" + v.toLocaleString(document.documentElement.lang,
      {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }
  function wan(v) { return (v / 10000).toLocaleString(document.documentElement.lang,
      {maximumFractionDigits: 1}); }
  function pct(s) { var v = num(s); return v === null ? "–" : (v * 100).toFixed(2) + "%"; }
  var axisText = {color: "#9fb3c8"};
  var base = {color: COLORS, textStyle: {color: "#dce6f2"}, animation: false,
              tooltip: {trigger: "item"}, grid: {left: 10, right: 30, top: 30, bottom: 10, containLabel: true}};

  function options(d) {
    var trendMonths = d.trend.map(function (r) { return r.month; });
    function pie(rows) {
      return Object.assign({}, base, {
        tooltip: {trigger: "item", formatter: function (p) {
          // A tooltip is HTML: names are the firm's data, so they are escaped.
          return esc(p.name) + "<br>" + esc(L.amount) + ": " + money(rows[p.dataIndex].amount) +
            "<br>" + esc(L.loans) + ": " + rows[p.dataIndex].loans + " (" + p.percent + "%)"; }},
        legend: {type: "scroll", bottom: 0, textStyle: axisText},
        series: [{type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
                  label: {color: "#dce6f2"},
                  data: rows.map(function (r) { return {name: r.name, value: num(r.amount)}; })}]
      });
    }
    function hbar(rows, valueOf, name, fmt) {
      var top = rows.slice().reverse();
      return Object.assign({}, base, {
        grid: {left: 10, right: 50, top: 20, bottom: 10, containLabel: true},
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: fmt},
        xAxis: {type: "value", axisLabel: Object.assign({formatter: function (v) {
          return fmt === money ? wan(v) : v; }}, axisText), name: fmt === money ? L.ten_thousand : "",
          splitLine: {lineStyle: {color: "#1f3f66"}},
          nameTextStyle: axisText},
        yAxis: {type: "category", data: top.map(function (r) { return r.name; }), axisLabel: axisText},
        series: [{type: "bar", name: name, data: top.map(valueOf), itemStyle: {color: "#5ab1ef"}}]
      });
    }
    return {
      funnel: Object.assign({}, base, {
        tooltip: {trigger: "item", formatter: function (p) { return esc(p.name) + ": " + p.value; }},
        series: [{type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "8%",
                  label: {position: "inside", formatter: "{b} {c}", color: "#0b1a2e"},
                  data: d.funnel.map(function (r) { return {name: r.label, value: r.count}; })}]
      }),
      trend: Object.assign({}, base, {
        tooltip: {trigger: "axis"},
        legend: {data: [L.disbursed_amount, L.overdue_rate], textStyle: axisText, top: 0},
        grid: {left: 10, right: 10, top: 35, bottom: 10, containLabel: true},
        xAxis: {type: "category", data: trendMonths, axisLabel: axisText},
        yAxis: [{type: "value", name: L.ten_thousand, nameTextStyle: axisText,
                 axisLabel: Object.assign({formatter: wan}, axisText),
                 splitLine: {lineStyle: {color: "#1f3f66"}}},
                {type: "value", name: "%", nameTextStyle: axisText,
                 axisLabel: Object.assign({formatter: function (v) { return (v * 100).toFixed(0) + "%"; }}, axisText),
                 splitLine: {show: false}}],
        series: [
          {type: "bar", name: L.disbursed_amount, data: d.trend.map(function (r) { return num(r.disbursed_amount); }),
           tooltip: {valueFormatter: money}},
          {type: "line", name: L.overdue_rate, yAxisIndex: 1, smooth: true,
           data: d.trend.map(function (r) { return num(r.overdue_rate); }),
           tooltip: {valueFormatter: pct}, itemStyle: {color: "#ef476f"}}]
      }),
      products: pie(d.products),
      funders: pie(d.funders),
      channels: hbar(d.channels, function (r) { return num(r.amount); }, L.amount, money),
      buckets: Object.assign({}, base, {
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
        legend: {data: [L.principal, L.loans], textStyle: axisText, top: 0},
        grid: {left: 10, right: 10, top: 35, bottom: 10, containLabel: true},
        xAxis: {type: "category", data: d.buckets.map(function (r) { return r.label; }),
                axisLabel: Object.assign({interval: 0}, axisText)},
        yAxis: [{type: "value", name: L.ten_thousand, nameTextStyle: axisText,
                 axisLabel: Object.assign({formatter: wan}, axisText), splitLine: {lineStyle: {color: "#1f3f66"}}},
                {type: "value", name: L.loans, nameTextStyle: axisText, axisLabel: axisText, splitLine: {show: false}}],
        series: [{type: "bar", name: L.principal, data: d.buckets.map(function (r) { return num(r.principal); }),
                  tooltip: {valueFormatter: money},
                  itemStyle: {color: function (p) { return ["#06d6a0", "#ffd166", "#f78c6b", "#ef476f", "#9b2226"][p.dataIndex]; }}},
                 {type: "line", name: L.loans, yAxisIndex: 1, data: d.buckets.map(function (r) { return r.loans; })}]
      }),
      leaderboard: hbar(d.leaderboard, function (r) { return num(r.amount); }, L.amount, money)
    };
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; });
  }
  function table(head, rows) {
    return "<table><tr>" + head.map(function (h) { return "<th>" + esc(h) + "</th>"; }).join("") +
      "</tr>" + rows.map(function (r) { return "<tr>" + r.map(function (c) {
        return "<td>" + esc(c) + "</td>"; }).join("") + "</tr>"; }).join("") + "</table>";
  }
  function tables(d) {
    var named = function (rows) { return rows.map(function (r) { return [r.name, r.loans, money(r.amount)]; }); };
    var head = [document.querySelector("#table-products th").textContent, L.loans, L.amount];
    return {
      funnel: table([document.querySelector("#table-funnel th").textContent, L.count],
                    d.funnel.map(function (r) { return [r.label, r.count]; })),
      trend: table([document.querySelector("#table-trend th").textContent, L.disbursed_amount, L.overdue_rate],
                   d.trend.map(function (r) { return [r.month, money(r.disbursed_amount), pct(r.overdue_rate)]; })),
      products: table(head, named(d.products)), funders: table(head, named(d.funders)),
      leaderboard: table(head, named(d.leaderboard)),
      channels: table([document.querySelector("#table-channels th").textContent, L.applications, L.loans, L.amount],
                      d.channels.map(function (r) { return [r.name, r.applications, r.loans, money(r.amount)]; })),
      buckets: table([document.querySelector("#table-buckets th").textContent, L.loans, L.principal],
                     d.buckets.map(function (r) { return [r.label, r.loans, money(r.principal)]; }))
    };
  }

  function kpis(d) {
    ["today", "month"].forEach(function (period) {
      var group = document.querySelector('.kpi-group[data-period="' + period + '"]');
      group.querySelectorAll(".v").forEach(function (el) {
        var v = d[period][el.getAttribute("data-k")];
        el.textContent = el.classList.contains("money") ? money(v) : v;
      });
    });
  }

  function draw(d) {
    var opts = options(d);
    Object.keys(opts).forEach(function (key) {
      var el = document.getElementById("chart-" + key);
      if (!charts[key]) { charts[key] = window.echarts.init(el, null, {renderer: "canvas", locale: document.documentElement.lang.indexOf("zh") === 0 ? "ZH" : "EN"}); }
      charts[key].setOption(opts[key], true);
    });
  }

  function render(d, first) {
    if (!first) {
      kpis(d);
      var t = tables(d);
      Object.keys(t).forEach(function (key) { document.getElementById("table-" + key).innerHTML = t[key]; });
    }
    if (window.echarts) { draw(d); } else { document.body.classList.add("no-charts"); }
    document.getElementById("updated").textContent = new Date().toLocaleTimeString(document.documentElement.lang);
  }

  function refresh() {
    var query = new URLSearchParams(window.location.search);
    var params = new URLSearchParams();
    ["from", "to"].forEach(function (k) { if (query.get(k)) { params.set(k, query.get(k)); } });
    fetch("/api/v1/dashboard?" + params.toString(), {credentials: "same-origin",
                                                     headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) { data = d; render(d, false); })
      .catch(function () { document.getElementById("updated").textContent = L.failed; });
  }

  document.getElementById("toggle-tables").addEventListener("click", function () {
    document.body.classList.toggle("tables");
    if (!document.body.classList.contains("tables")) {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    }
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  render(data, true);
  window.setInterval(refresh, REFRESH_MS);
  window.loandeskDashboard = {refresh: refresh, charts: charts};
}());
