/* The colour theme, applied before the first paint: loaded blocking (no defer) from <head>.
   The server renders the signed-in user's choice on <html> as data-portal-theme (and data-bs-theme when it is
   light or dark). "auto" follows the device's colour scheme, and keeps following it when it changes. Pages
   that do not know the user (login, standalone error pages) use the last choice made on this device. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "portal-theme";
  var chosen = root.getAttribute("data-portal-theme");
  try {
    if (chosen) {
      window.localStorage.setItem(KEY, chosen);
    } else {
      chosen = window.localStorage.getItem(KEY);
    }
  } catch (e) {
    /* Storage refused (private mode, blocked cookies): the server's value or "auto" still applies. */
  }
  if (chosen !== "light" && chosen !== "dark") {
    chosen = "auto";
  }
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function apply() {
    var theme = chosen === "auto" ? (media && media.matches ? "dark" : "light") : chosen;
    root.setAttribute("data-bs-theme", theme);
  }
  apply();
  if (chosen === "auto" && media && media.addEventListener) {
    media.addEventListener("change", apply);
  }
})();
