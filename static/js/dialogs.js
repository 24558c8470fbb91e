// A dialog the server rendered open (data-open-on-load: a refused typed confirmation, or a "?confirm=" link
// followed without JavaScript) becomes an ordinary Bootstrap modal, so Escape, Cancel and focus work as usual.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".modal[data-open-on-load]").forEach((element) => {
    // From here Bootstrap owns showing and hiding it, so the server-side "open" style must go.
    element.removeAttribute("data-open-on-load");
    window.bootstrap.Modal.getOrCreateInstance(element).show();
  });
});
