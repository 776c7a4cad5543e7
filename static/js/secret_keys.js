// Secret API keys and project tokens: copy a secret shown once, and hold back a token change until the
// project's name is typed exactly (the server checks it again).
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP origins have no clipboard API: copy through a selection instead.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = document.execCommand("copy");
    area.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function selectAll(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function setUp(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
    root.querySelectorAll("input[data-confirm-text]").forEach(updateConfirm);
  }

  function updateConfirm(input) {
    var button = input.form && input.form.querySelector("[data-confirm-submit]");
    if (button) {
      button.disabled = input.value !== input.dataset.confirmText;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.dataset.copy);
    var status = button.closest(".secret-once").querySelector("[data-copy-status]");
    copyText(source.textContent.trim()).then(
      function () {
        button.textContent = "Copied";
        status.textContent = "Copied to the clipboard.";
      },
      function () {
        selectAll(source);
        status.textContent = "The browser refused to copy: the value is selected, press Ctrl+C (⌘C).";
      }
    );
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("input[data-confirm-text]")) {
      updateConfirm(event.target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
})();
