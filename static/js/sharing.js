// Copy buttons of the sharing pages: <button data-copy="ID of the input holding the text">.
(function () {
  "use strict";

  function copy(source) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(source.value);
    }
    // Plain-HTTP portals have no clipboard API: copy the selection instead.
    source.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function say(button, text) {
    button.dataset.label = button.dataset.label || button.textContent;
    button.textContent = text;
    clearTimeout(button.copyTimer);
    button.copyTimer = setTimeout(function () { button.textContent = button.dataset.label; }, 2500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    var source = button && document.getElementById(button.dataset.copy);
    if (!source) return;
    copy(source).then(
      function () { say(button, "Copied"); },
      function () { source.select(); say(button, "Press Ctrl+C"); }
    );
  });
})();
