// Related-field selects that search the server as you type (select2 3.x, shipped by FAB).
$(function () {
  $(".ld-ajax-select").each(function () {
    var el = $(this);
    el.select2({
      placeholder: el.data("placeholder"),
      allowClear: el.data("allow-clear") === true || el.data("allow-clear") === "true",
      minimumInputLength: 0,
      ajax: {
        url: el.data("url"),
        dataType: "json",
        quietMillis: 250,
        data: function (term, page) { return {q: term, page: page}; },
        results: function (data) { return {results: data.results, more: data.more}; }
      },
      initSelection: function (element, callback) {
        if (element.val()) { callback({id: element.val(), text: el.data("text")}); }
      }
    });
  });
});
