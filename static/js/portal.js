(function () {
  "use strict";

  var ACTION_METHODS = ["get", "post", "put", "patch", "delete"];

  function showToast(level, message, action) {
    var box = document.getElementById("toasts");
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    var text = document.createElement("span");
    text.className = "toast-text";
    text.textContent = message; // text, never HTML: messages may quote PostHog
    toast.appendChild(text);
    var button = action && actionButton(toast, action);
    if (button) {
      toast.classList.add("toast-with-action");
      toast.appendChild(button);
    }
    box.appendChild(toast);
    if (button) htmx.process(button);
    dismissLater(toast);
  }

  // {label, url, method}: a button sending the request with htmx, so body's hx-headers add the CSRF token.
  function actionButton(toast, action) {
    var method = String(action.method || "post").toLowerCase();
    var url = String(action.url || "");
    if (ACTION_METHODS.indexOf(method) < 0 || url.charAt(0) !== "/" || url.charAt(1) === "/") return null;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small toast-action";
    button.textContent = action.label;
    button.setAttribute("hx-" + method, url);
    button.setAttribute("hx-swap", "none");
    button.addEventListener("click", function (event) {
      // The toast stays until the answer arrives: the events it triggers must reach the page from here.
      event.stopPropagation();
      toast.dataset.busy = "true";
      button.disabled = true;
    });
    button.addEventListener("htmx:afterRequest", function () { toast.remove(); });
    return button;
  }

  function dismissLater(toast) {
    var lasting = toast.classList.contains("toast-error") || toast.classList.contains("toast-with-action");
    setTimeout(function () {
      if (!toast.dataset.busy) toast.classList.add("toast-leaving");
    }, lasting ? 9000 : 5000);
    setTimeout(function () {
      if (!toast.dataset.busy) toast.remove();
    }, lasting ? 9500 : 5500);
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

  // Toasts sent by the server through HX-Trigger: {"toasts": [{level, message, action?}]}.
  document.body.addEventListener("toasts", function (event) {
    (event.detail.value || []).forEach(function (t) { showToast(t.level, t.message, t.action); });
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
