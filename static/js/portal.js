(function () {
  "use strict";

  function showToast(level, message) {
    var box = document.getElementById("toasts");
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    toast.textContent = message; // text, never HTML: messages may quote PostHog
    box.appendChild(toast);
    dismissLater(toast);
  }

  function dismissLater(toast) {
    var errorToast = toast.classList.contains("toast-error");
    setTimeout(function () { toast.classList.add("toast-leaving"); }, errorToast ? 9000 : 5000);
    setTimeout(function () { toast.remove(); }, errorToast ? 9500 : 5500);
    toast.addEventListener("click", function () { toast.remove(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(dismissLater);

    var toggle = document.querySelector("[data-theme-toggle]");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var root = document.documentElement;
        var dark = root.dataset.theme ? root.dataset.theme === "dark"
          : window.matchMedia("(prefers-color-scheme: dark)").matches;
        root.dataset.theme = dark ? "light" : "dark";
        localStorage.setItem("portal-theme", root.dataset.theme);
      });
    }
  });

  // Toasts sent by the server through HX-Trigger: {"toasts": [{level, message}]}.
  document.body.addEventListener("toasts", function (event) {
    (event.detail.value || []).forEach(function (t) { showToast(t.level, t.message); });
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 403 ? "Your role does not allow this."
      : status === 404 ? "That no longer exists."
      : "The portal could not complete this (HTTP " + status + "). Nothing you typed was lost.";
    showToast("error", text);
  });

  document.body.addEventListener("htmx:sendError", function () {
    showToast("error", "The portal could not be reached. Check your network and try again.");
  });
})();
