/* Order entry from the keyboard: the customer and product look-ups (a listbox filled by htmx),
   adding and removing lines, and the shortcuts documented on the page. Amounts, totals and
   availability all come from the server (out-of-band fragments that never replace an input, so
   nothing typed while a request is under way is lost). No build step. */
(function () {
  "use strict";

  function listFor(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function optionsIn(list) {
    return list ? Array.from(list.querySelectorAll('[role="option"]')) : [];
  }

  function inputFor(list) {
    return document.querySelector('[aria-controls="' + list.id + '"]');
  }

  function highlight(input, option) {
    optionsIn(listFor(input)).forEach(function (each) {
      each.classList.toggle("active", each === option);
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close(input) {
    const list = listFor(input);
    if (list) list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function fillShipTo(address) {
    // Prefill from the customer, unless the clerk has typed another address.
    const shipTo = document.getElementById("id_ship_to");
    if (!shipTo) return;
    if (!shipTo.value.trim() || shipTo.value === shipTo.dataset.prefilled) {
      shipTo.value = address;
      shipTo.dataset.prefilled = address;
    }
  }

  function accept(input, option, moveOn) {
    const box = input.closest(".combobox");
    box.querySelector('input[type="hidden"]').value = option.dataset.value;
    input.value = option.dataset.label;
    input.dataset.accepted = option.dataset.label;
    close(input);
    if (option.dataset.shipTo !== undefined) fillShipTo(option.dataset.shipTo);
    if (option.dataset.price !== undefined) {
      // A new product brings its list price; the clerk may overwrite it.
      const price = input.closest("tr").querySelector('input[name="line_unit_price"]');
      price.value = option.dataset.price;
      price.placeholder = option.dataset.price;
    }
    if (moveOn && input.dataset.next) document.getElementById(input.dataset.next).focus();
    // The entry form re-prices itself on this event (hx-trigger of #entry).
    box.dispatchEvent(new CustomEvent("combobox:accept", { bubbles: true }));
  }

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

  function comboboxKey(event, input) {
    const options = optionsIn(listFor(input));
    const current = options.find(function (o) { return o.getAttribute("aria-selected") === "true"; });
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (!options.length) return true;
        event.preventDefault();
        let index = options.indexOf(current);
        index = event.key === "ArrowDown" ? Math.min(index + 1, options.length - 1) : Math.max(index - 1, 0);
        highlight(input, options[index]);
        return true;
      }
      case "Enter":
        event.preventDefault();
        if (options.length) accept(input, current || options[0], true);
        return true;
      case "Tab":
        // Take the highlighted match and let the focus move on to the next field.
        if (options.length && !event.shiftKey) accept(input, current || options[0], false);
        return true;
      case "Escape":
        if (options.length) {
          event.preventDefault();
          close(input);
        }
        return true;
      default:
        return false;
    }
  }

  function press(form, selector) {
    const button = form.querySelector(selector);
    if (button) button.click();
    return Boolean(button);
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    const form = target.closest && target.closest("form[data-order-entry]");
    if (!form) return;
    if (target.matches("[data-combobox]") && !event.ctrlKey && !event.metaKey && !event.altKey && comboboxKey(event, target)) return;
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

  document.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("[data-combobox]")) return;
    if (input.value !== input.dataset.accepted) {
      // The text no longer names what was picked: forget the pick.
      input.closest(".combobox").querySelector('input[type="hidden"]').value = "";
    }
    if (!input.value.trim()) close(input);
  });

  document.addEventListener("mousedown", function (event) {
    const option = event.target.closest && event.target.closest('[role="option"]');
    const list = option && option.closest('[role="listbox"]');
    const input = list && inputFor(list);
    if (!input) return;
    event.preventDefault(); // keep the focus in the field
    accept(input, option, true);
  });

  document.addEventListener("focusout", function (event) {
    const input = event.target;
    if (input.matches && input.matches("[data-combobox]")) {
      setTimeout(function () {
        if (document.activeElement !== input) close(input);
      }, 150);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const list = event.detail.target;
    if (!list.matches || !list.matches('[role="listbox"]')) return;
    const input = inputFor(list);
    if (!input) return;
    if (document.activeElement !== input) {
      close(input); // a late answer for a field the clerk has already left
      return;
    }
    const options = optionsIn(list);
    input.setAttribute("aria-expanded", list.children.length ? "true" : "false");
    highlight(input, options[0] || null);
  });
})();
