/* Behaviours every page may use, declared with data attributes instead of inline handlers: the
   Content-Security-Policy allows no inline script, no onclick="" and no eval (decision 0033).
     data-print                  a button that prints the page
     data-copy-from="ID"         a button that copies the value of #ID to the clipboard
     data-enter-clicks="ID"      Enter in this field clicks #ID instead of submitting the form
     data-select-on-focus        a field whose text is selected when it gets the focus
     data-fit-content            a same-origin frame as tall as its document
   Alt+<letter> clicks the visible element whose accesskey is that letter, so that the Alt+S a page
   promises works in every browser (Firefox wants Alt+Shift, and Chromium driven by a test ignores
   it); a page's own shortcut that handled the key first (preventDefault) wins.
   Escape released in any element sends it a bubbling "key:escape" event, so that htmx can use
   hx-trigger="key:escape" where it once needed an evaluated filter (keyup[key=='Escape']). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const print = event.target.closest("[data-print]");
    if (print) {
      window.print();
      return;
    }
    const copy = event.target.closest("[data-copy-from]");
    if (copy) {
      const source = document.getElementById(copy.dataset.copyFrom);
      if (source && navigator.clipboard) navigator.clipboard.writeText(source.value);
      copy.textContent = "Copied";
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.target instanceof Element)) return;
    const field = event.target.closest("[data-enter-clicks]");
    if (!field) return;
    const button = document.getElementById(field.dataset.enterClicks);
    if (!button) return;
    event.preventDefault();
    button.click();
  });

  window.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const letter = /^Key([A-Z])$/.exec(event.code);
    if (!letter) return;
    const key = letter[1].toLowerCase();
    const target = Array.from(document.querySelectorAll("[accesskey]")).find(function (element) {
      return element.getAttribute("accesskey").toLowerCase() === key && element.getClientRects().length > 0;
    });
    if (!target) return;
    event.preventDefault();
    if (target.matches("input, select, textarea")) target.focus();
    else target.click();
  });

  document.addEventListener("focusin", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  function fit(frame) {
    const root = frame.contentDocument && frame.contentDocument.documentElement;
    if (root) frame.style.height = root.scrollHeight + 4 + "px";
  }
  // A frame may finish loading before or after this script runs.
  document.addEventListener("load", function (event) {
    if (event.target instanceof HTMLIFrameElement && event.target.matches("[data-fit-content]")) fit(event.target);
  }, true);
  document.querySelectorAll("iframe[data-fit-content]").forEach(function (frame) {
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit(frame);
  });

  document.addEventListener("keyup", function (event) {
    if (event.key === "Escape" && event.target instanceof Element) {
      event.target.dispatchEvent(new CustomEvent("key:escape", { bubbles: true }));
    }
  });
})();
