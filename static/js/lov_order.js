// The "order and labels" page of a list (apps/lov/order_views.py): drag a value by its handle to reorder.
// The Up and Down buttons are the keyboard (and no-JavaScript) way; a drop posts the whole order, as the
// buttons' forms post one step, and htmx swaps in the list as saved. The body's hx-headers carry the CSRF token.
(function () {
  "use strict";

  var dragged = null;
  var moving = null; // {pk, direction}: the Up/Down button pressed, to focus it again in the swapped list

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var row = event.target.closest && event.target.closest("#lov-order [data-pk]");
    if (row && active && active.name === "direction") {
      moving = { pk: row.dataset.pk, direction: active.value };
    }
  });

  function refocus(list) {
    if (!moving) {
      return;
    }
    var row = list.querySelector('[data-pk="' + moving.pk + '"]');
    var buttons = row ? row.querySelectorAll("button[name=direction]") : [];
    var again = Array.prototype.find.call(buttons, function (b) { return b.value === moving.direction && !b.disabled; });
    var other = Array.prototype.find.call(buttons, function (b) { return !b.disabled; });
    moving = null;
    if (again || other) {
      (again || other).focus();
    }
  }

  function save(list) {
    var order = Array.prototype.map.call(list.querySelectorAll("[data-pk]"), function (row) {
      return row.dataset.pk;
    });
    window.htmx.ajax("POST", list.dataset.orderUrl, {
      source: list,
      target: "#lov-order",
      swap: "outerHTML",
      values: { order: order },
    });
  }

  function setUpRow(row) {
    var handle = row.querySelector("[data-drag-handle]");
    if (!handle || row.dataset.dragReady) {
      return;
    }
    row.dataset.dragReady = "1";
    handle.hidden = false;
    handle.addEventListener("mousedown", function () { row.draggable = true; });
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.pk);
      row.classList.add("opacity-50");
    });
    row.addEventListener("dragend", function () {
      row.draggable = false;
      row.classList.remove("opacity-50");
      dragged = null;
    });
    row.addEventListener("dragover", function (event) {
      if (!dragged || dragged === row) {
        return;
      }
      event.preventDefault();
      var box = row.getBoundingClientRect();
      row.parentNode.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? row.nextSibling : row);
    });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      save(row.closest("#lov-order"));
    });
  }

  // htmx:load fires for the page and for every piece htmx swaps in (the whole list, or one row).
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    if (root.matches && root.matches("#lov-order [data-pk]")) {
      setUpRow(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("#lov-order [data-pk], [data-pk][data-testid=order-row]").forEach(setUpRow);
    }
    if (root.id === "lov-order") {
      refocus(root);
    }
  });
})();
