// The reviewer's decision form: the annualized rate (IRR, the product's service fee
// included) of the terms as they are typed, priced by the server in Decimal
// (GET <form data-quote-url>?amount=&months=&annual_rate_pct=&method=, always 200) — shown
// beside the form, never decided here.
(function () {
  var form = document.getElementById("approve-form");
  var out = document.getElementById("approve-apr");
  if (!form || !out || !form.dataset.quoteUrl) { return; }
  var timer = null, asked = 0;
  function value(name) { return ((form.elements[name] || {}).value || "").trim(); }
  function show(text, over) {
    out.textContent = out.dataset.label + ": ";
    var strong = document.createElement("strong");
    strong.textContent = text;
    out.appendChild(strong);
    out.classList.toggle("text-danger", !!over);
    if (over) { out.appendChild(document.createTextNode(" — " + out.dataset.over)); }
  }
  function refresh() {
    var mine = ++asked;
    var query = new URLSearchParams({amount: value("amount"), months: value("months"),
      annual_rate_pct: value("annual_rate_pct"), method: value("method")});
    fetch(form.dataset.quoteUrl + "?" + query.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (quote) {
        if (mine !== asked) { return; }  // a later keystroke has asked again
        if (!quote.apr) { show("—"); return; }
        show((parseFloat(quote.apr) * 100).toFixed(2) + "%", quote.exceeds);
      })
      .catch(function () { show("—"); });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  form.addEventListener("change", refresh);
  refresh();  // the terms shown may be those typed before a refusal
})();
