// FAB's filter form (#filter_form, "more filters") submits only its own filters: the
// quick search, the ordering and the page size the list holds go along with them
// (the pairs come from app/templates/loandesk/listing.html, #ld-listing-keep).
(function () {
  "use strict";
  var form = document.getElementById("filter_form");
  var keep = document.getElementById("ld-listing-keep");
  if (!form || !keep) {
    return;
  }
  var pairs = JSON.parse(keep.textContent || "[]");
  form.addEventListener("submit", function () {
    pairs.forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
  });
})();
