// Show each Bootstrap toast for a Django message once: on page load, and after htmx swaps for toasts that
// came with the response. A toast is marked when shown and removed once hidden, so later swaps never bring
// back one that was dismissed or has already been displayed.
(function () {
  "use strict";

  function showToasts(root) {
    root.querySelectorAll("[data-portal-toast]:not([data-portal-toast-shown])").forEach(function (element) {
      element.setAttribute("data-portal-toast-shown", "");
      element.addEventListener("hidden.bs.toast", function () {
        element.remove();
      });
      bootstrap.Toast.getOrCreateInstance(element, { delay: 5000 }).show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showToasts(document);
  });
  document.addEventListener("htmx:afterSettle", function () {
    showToasts(document);
  });
})();
