// Drag and drop for the plugin config pipeline. The ↑ ↓ buttons do the same from the keyboard, server-side.
(function () {
  "use strict";
  var dragged = null;

  function rows(form) { return Array.prototype.slice.call(form.querySelectorAll("tr[data-config-id]")); }

  function renumber(form) {
    rows(form).forEach(function (row, index) {
      var position = row.querySelector(".position");
      if (position) position.textContent = index + 1;
    });
  }

  document.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest("form[data-config-order] tr[data-config-id]");
    if (!row) return;
    dragged = row;
    row.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.configId);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest("tr[data-config-id]");
    if (!over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var form = dragged.closest("form[data-config-order]");
    dragged.classList.remove("dragging");
    dragged = null;
    renumber(form);
    htmx.trigger(form, "reorder");
  });
})();
