/* SIMIS portal behaviour. A static file, because the Content-Security-Policy allows no inline
   script. Listeners sit on the document, so fields that htmx swaps in later work too.

   Help on demand (SUP-1): every form field rendered by portal/forms/field.html carries a
   help button (ⓘ) whose aria-controls names the field's help text. The help shows when
   - the button is pressed (mouse, Enter or Space: it is a real <button>);
   - the field is right-clicked, as the institution's users expect from office programs;
   - F1 is pressed while the field has focus.
   Escape folds it away again. */
(function () {
  "use strict";

  function helpButtonOf(group) {
    return group ? group.querySelector("[data-simis-help-toggle]") : null;
  }

  function setHelp(button, open) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) {
      return;
    }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function isOpen(button) {
    return button.getAttribute("aria-expanded") === "true";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-simis-help-toggle]");
    if (!button) {
      return;
    }
    event.preventDefault();
    setHelp(button, !isOpen(button));
  });

  document.addEventListener("contextmenu", function (event) {
    var button = helpButtonOf(event.target.closest("[data-simis-field]"));
    if (!button) {
      return;
    }
    event.preventDefault();
    setHelp(button, true);
  });

  document.addEventListener("keydown", function (event) {
    var group = event.target.closest ? event.target.closest("[data-simis-field]") : null;
    var button = helpButtonOf(group);
    if (!button) {
      return;
    }
    if (event.key === "F1") {
      event.preventDefault();
      setHelp(button, true);
    } else if (event.key === "Escape" && isOpen(button)) {
      setHelp(button, false);
    }
  });
})();
