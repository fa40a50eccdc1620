/* Payment entry (receivables/payments/entry.html) from the keyboard.
   The customer look-up is static/js/combobox.js (its field has
   data-next="id_amount" and data-enter-advances: Enter always moves on to the amount); picking
   another customer, or dropping the pick, asks the server for a new proposal. Here: one Tab out
   of the date, Alt+S, and the "leave all unapplied" button. The proposal, the totals and the
   customer's position come from the server (see pages_payments); Enter in any other field
   saves, as a form does. */
(function () {
  "use strict";
  const form = document.querySelector("form[data-payment-entry]");
  if (!form) return;
  const customer = form.querySelector("#customer-query");

  function propose() {
    htmx.trigger(document.getElementById("allocation-panel"), "propose");
  }

  customer.closest(".combobox").addEventListener("combobox:accept", function (event) {
    if (event.detail.changed) propose();
  });
  customer.addEventListener("combobox:clear", propose); // the customer's invoices go with it

  const date = form.querySelector("#id_received_on");
  date.addEventListener("keydown", function (event) {
    // Chromium stops Tab at the day, month and year and at the calendar button; one Tab is
    // enough to leave the date (digits and the arrow keys still move between its parts).
    if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      form.querySelector("#id_method").focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    // Alt+S saves from anywhere on the page (the browser's accesskey is not the same everywhere).
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyS") {
      event.preventDefault();
      form.requestSubmit(form.querySelector('[data-shortcut="save"]'));
    }
  });

  form.addEventListener("click", function (event) {
    const button = event.target.closest("[data-clear-allocations]");
    if (!button) return;
    form.querySelectorAll("[data-apply]").forEach(function (each) { each.value = ""; });
    htmx.ajax("POST", button.dataset.totalsUrl, { source: button, target: "#allocation-footer", swap: "outerHTML" });
  });
})();
