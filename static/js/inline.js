// The inline-edit kit (apps/core/inline.py): keep the focus on the control a person changed across its swap.
// htmx replaces the field's element, so the focused control is a new node afterwards: remember its id before
// the request and focus the node with that id after the swap, unless the person has moved on meanwhile.
(function () {
  "use strict";

  var pending = null; // {id, field}: the focused control's id and the field it belongs to

  document.addEventListener("htmx:beforeRequest", function (event) {
    var field = event.target.closest("[data-inline-field]");
    if (!field) {
      return;
    }
    var active = document.activeElement;
    var id = active && active.id && field.contains(active) ? active.id : "";
    // A button that posted (reset, "apply my value again") may vanish: fall back to the field's control.
    var control = field.querySelector("input:not([type=hidden]), select, textarea");
    pending = { id: id, fallback: control ? control.id : "" };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) {
      return;
    }
    var wanted = pending;
    pending = null;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) {
      return; // the person moved to another control: leave the focus there
    }
    var element = (wanted.id && document.getElementById(wanted.id)) || (wanted.fallback && document.getElementById(wanted.fallback));
    if (element) {
      element.focus({ preventScroll: true });
    }
  });
})();
