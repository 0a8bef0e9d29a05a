// Related-field selects that search the server as you type (select2 4, shipped by FAB).
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
