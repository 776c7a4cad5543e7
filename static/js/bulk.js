// Bulk actions on a list (apps/core/bulk.py): rows' checkboxes (data-bulk-item, each with form="<the bulk form's
// id>"), a "select all on this page" box (data-bulk-all, shown only where this script runs), a count
// (data-bulk-count) and the action buttons (data-bulk-action), enabled once something is ticked. Without this
// script the form still works: the server asks to tick something first. The confirmation htmx swaps in
// (dialog[data-bulk-dialog]) opens as a modal; the results (data-bulk-results) take focus once shown.
(function () {
  "use strict";

  function items(form) {
    return Array.prototype.slice.call(document.querySelectorAll("input[data-bulk-item]")).filter(function (box) {
      return box.form === form;
    });
  }

  function update(form) {
    var boxes = items(form);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    var count = form.querySelector("[data-bulk-count]");
    if (count) count.textContent = ticked ? ticked + " selected" : "None selected";
    form.querySelectorAll("[data-bulk-action]").forEach(function (button) { button.disabled = ticked === 0; });
    var all = form.querySelector("[data-bulk-all]");
    if (all) {
      all.closest("label").hidden = boxes.length === 0;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  function refresh() {
    document.querySelectorAll("form[data-bulk]").forEach(update);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-bulk-all]")) {
      var form = target.form;
      items(form).forEach(function (box) { box.checked = target.checked; });
      update(form);
    } else if (target.matches("[data-bulk-item]") && target.form) {
      update(target.form);
    }
  });

  var opener = null; // the action button that asked for the confirmation: focus goes back to it on Cancel
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-bulk-action]");
    if (button) opener = button;
  });

  function openDialog() {
    var dialog = document.querySelector("dialog[data-bulk-dialog]:not([open])");
    if (!dialog) return;
    dialog.addEventListener("close", function () {
      dialog.remove();
      if (opener && document.contains(opener)) opener.focus();
    });
    dialog.showModal();
  }

  // New results are shown once, after a bulk action: focus moves to them the first time they are seen.
  function focusResults() {
    var results = document.querySelector("[data-bulk-results]:not([data-seen])");
    if (!results) return;
    results.dataset.seen = "";
    results.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { refresh(); focusResults(); });
  document.addEventListener("htmx:afterSettle", function () {
    refresh();
    openDialog();
    focusResults();
  });
})();
