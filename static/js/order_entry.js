/* Order entry from the keyboard: adding and removing lines, and the shortcuts documented on the
   page. The customer and product look-ups are static/js/combobox.js (loaded first); picking one
   fills the ship-to address or the line's list price here. Amounts, totals and availability all
   come from the server (out-of-band fragments that never replace an input, so nothing typed while
   a request is under way is lost). No build step. */
(function () {
  "use strict";

  // A key released in a price, quantity or discount field re-prices the order (hx-trigger
  // "recalc:keyup delay:300ms" on #entry; htmx may not evaluate a filter under the CSP).
  document.addEventListener("keyup", function (event) {
    if (event.target instanceof Element && event.target.matches(".recalc")) {
      event.target.dispatchEvent(new CustomEvent("recalc:keyup", { bubbles: true }));
    }
  });

  function fillShipTo(address) {
    // Prefill from the customer, unless the clerk has typed another address.
    const shipTo = document.getElementById("id_ship_to");
    if (!shipTo) return;
    if (!shipTo.value.trim() || shipTo.value === shipTo.dataset.prefilled) {
      shipTo.value = address;
      shipTo.dataset.prefilled = address;
    }
  }

  document.addEventListener("combobox:select", function (event) {
    // Runs before the focus moves on and before the entry re-prices itself (on combobox:accept).
    const option = event.detail.option;
    if (option.dataset.shipTo !== undefined) fillShipTo(option.dataset.shipTo);
    if (option.dataset.price !== undefined) {
      // A new product brings its list price; the clerk may overwrite it.
      const price = event.target.closest("tr").querySelector('input[name="line_unit_price"]');
      price.value = option.dataset.price;
      price.placeholder = option.dataset.price;
    }
  });

  function renumber(tbody) {
    Array.from(tbody.rows).forEach(function (row, index) {
      row.querySelector(".line-position").textContent = String(index + 1);
      row.querySelectorAll("[aria-label], [title]").forEach(function (element) {
        ["aria-label", "title"].forEach(function (name) {
          const value = element.getAttribute(name);
          if (value) element.setAttribute(name, value.replace(/line (\d+|__POSITION__)$/, "line " + (index + 1)));
        });
      });
    });
  }

  function addLine(form) {
    const tbody = form.querySelector("#order-lines tbody");
    const keys = Array.from(tbody.querySelectorAll('input[name="line_key"]')).map(function (input) {
      return parseInt(input.value, 10) || 0;
    });
    const key = String(Math.max(0, ...keys) + 1);
    const markup = document.getElementById("line-template").innerHTML.replaceAll("__KEY__", key);
    tbody.insertAdjacentHTML("beforeend", markup);
    const row = tbody.lastElementChild;
    renumber(tbody);
    htmx.process(row);
    row.querySelector("[data-combobox]").focus();
  }

  function removeLine(button) {
    const row = button.closest("tr");
    const tbody = row.parentElement;
    const form = row.closest("form");
    const neighbour = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    if (neighbour) {
      renumber(tbody);
      neighbour.querySelector("[data-combobox]").focus();
    } else {
      addLine(form); // an order always shows one line to type in
    }
    form.querySelector("#entry").dispatchEvent(new CustomEvent("lines:changed"));
  }

  document.addEventListener("click", function (event) {
    const target = event.target.closest && event.target.closest("[data-add-line], [data-remove-line]");
    if (!target) return;
    if (target.matches("[data-add-line]")) addLine(target.closest("form"));
    else removeLine(target);
  });

  function press(form, selector) {
    const button = form.querySelector(selector);
    if (button) button.click();
    return Boolean(button);
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    const form = target.closest && target.closest("form[data-order-entry]");
    if (!form || event.defaultPrevented) return; // a look-up field (combobox.js) has taken the key
    const command = event.ctrlKey || event.metaKey;
    if (command && event.key === "Enter") {
      event.preventDefault();
      press(form, '[data-shortcut="submit"]') || press(form, '[data-shortcut="save"]');
    } else if (command && event.key.toLowerCase() === "s") {
      event.preventDefault();
      press(form, '[data-shortcut="save"]');
    } else if (event.altKey && event.code === "KeyN") {
      event.preventDefault();
      addLine(form);
    } else if (event.key === "Enter" && target.matches("input")) {
      event.preventDefault(); // Enter alone never saves the order
      if (target.matches("[data-line-input]")) {
        const next = target.closest("tr").nextElementSibling;
        if (next) next.querySelector("[data-combobox]").focus();
        else addLine(form);
      }
    }
  });
})();
