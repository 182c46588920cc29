// The receipt's Print button (no inline script: the portal's Content-Security-Policy forbids it).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-payments-print]")) {
    window.print();
  }
});
