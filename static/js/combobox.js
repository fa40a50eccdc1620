/* Type-ahead fields ("comboboxes") of the keyboard entry pages: order entry (customer, products)
   and payment entry (customer). No build step; load it before the page's own script.

   Markup, per field (the matches are a server fragment that htmx swaps into the listbox):
     <div class="combobox">
       <input type="text" role="combobox" data-combobox aria-controls="LIST" aria-expanded="false"
              data-accepted="…label of the current pick…" [data-next="ID"] [data-enter-advances]
              hx-get="…" hx-trigger="input changed delay:150ms" hx-target="#LIST" hx-swap="innerHTML">
       <input type="hidden" name="…">                       the id of the pick
       <div class="combobox-options" id="LIST" role="listbox"></div>
     </div>
   and per match: <div role="option" id="…" data-value="id" data-label="text">…</div>.

   Keys: ↑/↓ move through the matches (the first is highlighted when they arrive), Enter takes the
   highlighted match and moves to `data-next`, Tab takes it and lets the focus move on, Escape
   closes the list; a click takes a match too. Enter never submits the form from the field. With
   `data-enter-advances`, Enter also moves on from a pick already made, and an Enter typed before
   the matches have arrived takes the first of them when they come.

   Events (bubbling), for the page's own script and for hx-trigger:
     combobox:select  on the input, once a match is taken, before the focus moves on: fill the
                      fields that follow from the pick here (detail: option, changed);
     combobox:accept  on the .combobox, after the focus has moved on (detail: option, changed);
     combobox:clear   on the input, when editing the text drops the pick that was made. */
(function () {
  "use strict";

  const waiting = new WeakSet(); // fields whose Enter came before their matches

  function listFor(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function optionsIn(list) {
    return list ? Array.from(list.querySelectorAll('[role="option"]')) : [];
  }

  function inputFor(list) {
    return document.querySelector('[data-combobox][aria-controls="' + list.id + '"]');
  }

  function hiddenFor(input) {
    return input.closest(".combobox").querySelector('input[type="hidden"]');
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

  function moveOn(input) {
    const next = input.dataset.next && document.getElementById(input.dataset.next);
    if (next) next.focus();
  }

  function accept(input, option, advance) {
    const box = input.closest(".combobox");
    const hidden = hiddenFor(input);
    const detail = { option: option, changed: hidden.value !== option.dataset.value };
    hidden.value = option.dataset.value;
    input.value = option.dataset.label;
    input.dataset.accepted = option.dataset.label;
    waiting.delete(input);
    close(input);
    input.dispatchEvent(new CustomEvent("combobox:select", { bubbles: true, detail: detail }));
    if (advance) moveOn(input);
    box.dispatchEvent(new CustomEvent("combobox:accept", { bubbles: true, detail: detail }));
  }

  function enter(input, options, current) {
    if (options.length) accept(input, current || options[0], true);
    else if (!("enterAdvances" in input.dataset)) return;
    else if (hiddenFor(input).value && input.value === input.dataset.accepted) moveOn(input);
    else if (input.value.trim()) waiting.add(input);
  }

  document.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("[data-combobox]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const options = optionsIn(listFor(input));
    const current = options.find(function (o) { return o.getAttribute("aria-selected") === "true"; });
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (!options.length) return;
        event.preventDefault();
        let index = options.indexOf(current);
        index = event.key === "ArrowDown" ? Math.min(index + 1, options.length - 1) : Math.max(index - 1, 0);
        highlight(input, options[index]);
        return;
      }
      case "Enter":
        event.preventDefault(); // Enter here takes the match, it never submits the form
        enter(input, options, current);
        return;
      case "Tab":
        // Take the highlighted match and let the focus move on to the next field.
        if (options.length && !event.shiftKey) accept(input, current || options[0], false);
        return;
      case "Escape":
        if (options.length) {
          event.preventDefault();
          close(input);
        }
        return;
    }
  });

  document.addEventListener("input", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("[data-combobox]")) return;
    waiting.delete(input);
    const hidden = hiddenFor(input);
    if (input.value !== input.dataset.accepted && hidden.value) {
      // The text no longer names what was picked: forget the pick.
      hidden.value = "";
      input.dispatchEvent(new CustomEvent("combobox:clear", { bubbles: true }));
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
    const options = optionsIn(list);
    if (waiting.has(input) && options.length) {
      accept(input, options[0], true);
      return;
    }
    if (document.activeElement !== input) {
      close(input); // a late answer for a field the clerk has already left
      return;
    }
    input.setAttribute("aria-expanded", list.children.length ? "true" : "false");
    highlight(input, options[0] || null);
  });
})();
