// Show Bootstrap toasts for Django messages, on page load and after every htmx swap.
(function () {
  "use strict";

  function showToasts(root) {
    root.querySelectorAll("[data-portal-toast]:not(.show)").forEach(function (element) {
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
