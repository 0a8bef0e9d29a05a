// The loan page: "Pay off" puts the payoff amount into the repayment's amount.
(function () {
  var button = document.getElementById("use-payoff");
  var box = document.getElementById("repay-amount");
  if (!button || !box) { return; }
  button.addEventListener("click", function () { box.value = button.dataset.amount; box.focus(); });
})();
