(function () {
  "use strict";

  var ACTION_METHODS = ["get", "post", "put", "patch", "delete"];
  var lastFocused = null; // the last element focused outside the toasts
  document.addEventListener("focusin", function (event) {
    if (!event.target.closest("#toasts")) lastFocused = event.target;
  });

  function showToast(level, message, action) {
    var box = document.getElementById("toasts");
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    var text = document.createElement("span");
    text.className = "toast-text";
    text.textContent = message; // text, never HTML: messages may quote PostHog
    isolateQuoted(text);
    toast.appendChild(text);
    box.appendChild(toast);
    if (action) addAction(toast, action);
    dismissLater(toast);
  }

  // A message quotes names from PostHog between “ and ”: each goes in a <bdi>, so a right-to-left override in a
  // name cannot reorder the sentence around it. Only text nodes are split; the name stays text.
  function isolateQuoted(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var parts = node.data.split(/\u201c([^\u201d]*)\u201d/);
      if (parts.length < 2 || node.parentNode.closest("bdi")) return;
      var pieces = document.createDocumentFragment();
      parts.forEach(function (part, index) {
        if (index % 2 === 0) {
          if (part) pieces.append(part);
          return;
        }
        var name = document.createElement("bdi");
        name.textContent = part;
        pieces.append("\u201c", name, "\u201d");
      });
      node.parentNode.replaceChild(pieces, node);
    });
  }

  function addAction(toast, action) {
    var button = actionButton(toast, action);
    if (!button) return;
    toast.classList.add("toast-with-action");
    // Where the person was: focus goes back there (or to what replaced it, by id) once the toast is gone.
    // (The element itself may be disabled while its request runs, or swapped for a new one with its id.)
    toast.returnFocus = lastFocused;
    toast.returnFocusId = lastFocused ? lastFocused.id : "";
    toast.appendChild(button);
    htmx.process(button);
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
    button.addEventListener("htmx:afterRequest", function () { removeToast(toast); });
    return button;
  }

  // A toast with an action stays 15 s (an Undo needs time to be noticed, reached and clicked), and as long as the
  // pointer is on it or focus is in it; the countdown starts again when both leave.
  var SHOWN_MS = { plain: 5000, error: 9000, action: 15000 };

  function dismissLater(toast) {
    var shown = toast.classList.contains("toast-with-action") ? SHOWN_MS.action
      : toast.classList.contains("toast-error") ? SHOWN_MS.error : SHOWN_MS.plain;
    var timers = [];
    function held() { return toast.dataset.busy || toast.matches(":hover") || toast.contains(document.activeElement); }
    function stop() { timers.forEach(clearTimeout); timers = []; toast.classList.remove("toast-leaving"); }
    function start() {
      stop();
      timers.push(setTimeout(function () { if (!held()) toast.classList.add("toast-leaving"); }, shown - 500));
      timers.push(setTimeout(function () { if (held()) start(); else removeToast(toast); }, shown));
    }
    toast.addEventListener("mouseenter", stop);
    toast.addEventListener("focusin", stop);
    toast.addEventListener("mouseleave", function () { if (!held()) start(); });
    toast.addEventListener("focusout", function (event) { if (!toast.contains(event.relatedTarget)) start(); });
    toast.addEventListener("keydown", function (event) { if (event.key === "Escape") removeToast(toast); });
    toast.addEventListener("click", function (event) {
      if (!event.target.closest(".toast-action")) removeToast(toast);
    });
    start();
  }

  function removeToast(toast) {
    // Focus in the toast, or dropped to the page when its clicked button was disabled: it goes back, not lost.
    var hadFocus = toast.contains(document.activeElement)
      || (toast.dataset.busy && document.activeElement === document.body);
    toast.remove();
    if (!hadFocus) return;
    var back = toast.returnFocus && toast.returnFocus.isConnected ? toast.returnFocus
      : toast.returnFocusId && document.getElementById(toast.returnFocusId);
    if (back) back.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    // A full page's toasts; one with an action (an Undo after a redirect) gets its button, as a sent one does.
    document.querySelectorAll("#toasts .toast").forEach(function (toast) {
      var action = toast.dataset.action;
      if (action) {
        try { action = JSON.parse(action); } catch (error) { action = null; }
        var text = document.createElement("span");
        text.className = "toast-text";
        text.textContent = toast.textContent;
        toast.textContent = "";
        toast.appendChild(text);
        if (action) addAction(toast, action);
      }
      isolateQuoted(toast);
      dismissLater(toast);
    });

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

  // What templates ask for with data attributes, since the Content-Security-Policy runs no inline handler (one
  // listener each on the document, so parts htmx swaps in work too): data-open-dialog="id" opens that dialog,
  // data-close-dialog closes the one it is in, data-dismiss="selector" removes its nearest ancestor matching it,
  // data-select-on-focus selects a field's text as it gets focus (a link to copy).
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    var dialog = opener && document.getElementById(opener.dataset.openDialog);
    if (dialog) dialog.showModal();
    var closer = event.target.closest("[data-close-dialog]");
    if (closer && closer.closest("dialog")) closer.closest("dialog").close();
    var dismiss = event.target.closest("[data-dismiss]");
    var gone = dismiss && dismiss.closest(dismiss.dataset.dismiss);
    if (gone) gone.remove();
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) event.target.select();
  });

  // Plugin icons come from PostHog's URLs: shown once loaded, removed when they fail so the initial shows. Load and
  // error do not bubble, so the document catches them on the way down; icons settled before this script ran are
  // looked at once the page is parsed.
  function settleIcon(img, failed) {
    if (failed) img.remove();
    else img.classList.add("loaded");
  }
  document.addEventListener("load", function (event) {
    if (event.target.matches && event.target.matches(".plugin-icon img")) settleIcon(event.target, false);
  }, true);
  document.addEventListener("error", function (event) {
    if (event.target.matches && event.target.matches(".plugin-icon img")) settleIcon(event.target, true);
  }, true);
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".plugin-icon img").forEach(function (img) {
      if (img.complete) settleIcon(img, !img.naturalWidth);
    });
  });

  // On a desktop the sidebar scrolls on its own when the areas are taller than the window (portal.css): the current
  // area is scrolled into the middle of it, so the page shows where it is without scrolling the sidebar to find it.
  // The sidebar alone scrolls (scrollIntoView would move the page too).
  document.addEventListener("DOMContentLoaded", function () {
    var sidebar = document.querySelector(".sidebar");
    var current = sidebar && sidebar.querySelector(".nav-link.active");
    if (!current || sidebar.scrollHeight <= sidebar.clientHeight) return;
    var box = sidebar.getBoundingClientRect();
    var item = current.getBoundingClientRect();
    if (item.top >= box.top && item.bottom <= box.bottom) return;
    sidebar.scrollTop += item.top - box.top - (box.height - item.height) / 2;
  });
  // An area's tabs scroll sideways on a phone (portal.css .tabs): the current one is scrolled into them.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".tabs [aria-current=page]").forEach(function (tab) {
      var box = tab.parentElement.getBoundingClientRect();
      var item = tab.getBoundingClientRect();
      if (item.right > box.right) tab.parentElement.scrollLeft += item.right - box.right;
    });
  });

  // The Menu button (shown below 800 px, where portal.css hides the areas until it opens them): it says whether the
  // menu is open; Esc closes it and puts focus back on the button. An open dialog keeps Esc for itself.
  function setMenu(button, open) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (menu) menu.classList.toggle("menu-open", open);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-menu-toggle]");
    if (button) setMenu(button, button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented || document.querySelector("dialog[open]")) return;
    var button = document.querySelector('[data-menu-toggle][aria-expanded="true"]');
    if (!button) return;
    setMenu(button, false);
    button.focus();
  });

  // Toasts sent by the server through HX-Trigger: {"toasts": [{level, message, action?}]}.
  document.body.addEventListener("toasts", function (event) {
    (event.detail.value || []).forEach(function (t) { showToast(t.level, t.message, t.action); });
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 403 ? "Your role does not allow this."
      : status === 404 ? "That no longer exists."
      : status === 413 ? "That was more than the portal accepts: nothing was sent. Shorten it and try again."
      : "The portal could not complete this (HTTP " + status + "). Nothing you typed was lost.";
    showToast("error", text);
  });

  document.body.addEventListener("htmx:sendError", function () {
    showToast("error", "The portal could not be reached. Check your network and try again.");
  });
})();
