/* SIMIS register pages. A static file: the Content-Security-Policy allows no inline script.
   Listeners sit on the document, so results that htmx swaps in later work too. Everything here
   is an enhancement: without JavaScript the forms still submit and the links still page.

   - "Select all on this page" ticks every worker of the page for a wage change.
   - The wage-change buttons show how many workers are selected and stay disabled at none. */
(function () {
  "use strict";

  function selectionRoot(element) {
    return element.closest("[data-registry-selection]");
  }

  function refresh(root) {
    if (!root) {
      return;
    }
    var boxes = root.querySelectorAll('input[type="checkbox"][name="engagement"]');
    var ticked = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        ticked += 1;
      }
    });
    root.querySelectorAll("[data-registry-selected-count]").forEach(function (counter) {
      counter.textContent = String(ticked);
    });
    root.querySelectorAll("[data-registry-needs-selection]").forEach(function (button) {
      button.disabled = ticked === 0;
    });
    var all = root.querySelector("[data-registry-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) {
      return;
    }
    var root = selectionRoot(target);
    if (!root) {
      return;
    }
    if (target.hasAttribute("data-registry-select-all")) {
      root.querySelectorAll('input[type="checkbox"][name="engagement"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    refresh(root);
  });

  function refreshAll() {
    document.querySelectorAll("[data-registry-selection]").forEach(refresh);
  }

  document.addEventListener("DOMContentLoaded", refreshAll);
  document.addEventListener("htmx:afterSettle", refreshAll);
})();
