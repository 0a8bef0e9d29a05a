// Related-field selects that search the server as you type (select2 4, shipped by FAB).

// select2's messages in the page's language (FAB ships no select2 i18n files): the page
// carries them (app/i18n.py select2_texts). Set as a default before the page is ready, so
// FAB's own selects (ab.js, run on ready) speak it too.
(function () {
  var node = document.getElementById("ld-select2-texts");
  if (!node || !$.fn.select2) { return; }
  var t = JSON.parse(node.textContent);
  function count(text, n) { return text.replace("%(n)s", n); }
  $.fn.select2.defaults.set("language", {
    errorLoading: function () { return t.errorLoading; },
    inputTooLong: function (a) { return count(t.inputTooLong, a.input.length - a.maximum); },
    inputTooShort: function (a) { return count(t.inputTooShort, a.minimum - a.input.length); },
    loadingMore: function () { return t.loadingMore; },
    maximumSelected: function (a) { return count(t.maximumSelected, a.maximum); },
    noResults: function () { return t.noResults; },
    searching: function () { return t.searching; },
    removeAllItems: function () { return t.removeAllItems; }
  });
})();

$(function () {
  $("select.ld-ajax-select").each(function () {
    var el = $(this);
    el.select2({
      width: "100%",
      placeholder: el.data("placeholder"),
      allowClear: String(el.data("allow-clear")) === "true",
      ajax: {
        url: el.data("url"),
        dataType: "json",
        delay: 250,
        data: function (params) { return {q: params.term || "", page: params.page || 1}; },
        processResults: function (data) {
          return {results: data.results, pagination: {more: data.more}};
        }
      }
    });
  });
});
