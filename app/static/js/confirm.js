// Destructive actions ask first: any form carrying data-confirm="<what happens, to which
// record>" shows that sentence in a dialog (#ld-confirm, app/templates/loandesk/base.html)
// and is sent only when the user confirms; data-confirm-button names the confirming button.
// The browser's own checks (required fields) run before the dialog opens.
(function () {
  var dialog = $("#ld-confirm");
  if (!dialog.length) { return; }
  var pending = null;
  var okButton = dialog.find(".ld-confirm-ok");
  var defaultLabel = okButton.text();
  $(document).on("submit", "form[data-confirm]", function (event) {
    var form = this;
    if (form.dataset.confirmed === "yes") { return true; }
    event.preventDefault();
    pending = form;
    dialog.find(".ld-confirm-text").text(form.dataset.confirm);
    okButton.text(form.dataset.confirmButton || defaultLabel);
    dialog.modal("show");
    return false;
  });
  okButton.on("click", function () {
    if (!pending) { return; }
    var form = pending;
    pending = null;
    form.dataset.confirmed = "yes";
    dialog.modal("hide");
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  });
  dialog.on("hidden.bs.modal", function () { pending = null; });
})();
