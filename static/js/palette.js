// The command palette (Ctrl/⌘-K anywhere, "/" when not typing) and the shortcuts dialog ("?" when not typing),
// both in templates/overview/palette.html. The results come from /search/ through htmx as one types (the input's
// hx-trigger waits 200 ms after the last key); this file makes them a listbox the arrow keys move through, the
// combobox pattern of WAI-ARIA: focus stays in the input, aria-activedescendant names the chosen result.
(function () {
  "use strict";

  // The dialogs wait in a <template> until first wanted: a page's own dialogs, tables and labels stay the only ones
  // in the document (for assistive technology's lists of landmarks and tables, and for the tests' locators).
  var template = document.getElementById("palette-dialogs");
  if (!template) return;  // a page for people who may not search (signed out)
  var palette = null, shortcuts = null, input = null, results = null, status = null;
  var opener = null;  // where focus was before a dialog opened: it goes back there when the dialog closes
  var before = null;  // the same, kept after the dialog closed
  var loaded = false;

  if (/Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)) {
    document.querySelectorAll("[data-palette-key]").forEach(function (key) { key.textContent = "⌘K"; });
  }

  // At phone width (below 800 px, where the areas wait behind the Menu button) a pill fixed at the bottom of the
  // screen would sit over whatever scrolls beneath it: the link joins the top of the page, beside the Menu button
  // (palette.css), and goes back to its place, fixed at the bottom right, on a wider screen. It stays the one link.
  var launcher = document.querySelector(".palette-launch");
  var menuButton = document.querySelector(".sidebar-head [data-menu-toggle]");
  if (launcher && menuButton && window.matchMedia) {
    var home = document.createComment(" the palette's launch link, on a wide screen ");
    launcher.before(home);
    var narrow = window.matchMedia("(max-width: 800px)");
    var place = function () {
      if (narrow.matches) menuButton.before(launcher);
      else home.after(launcher);
    };
    place();
    narrow.addEventListener("change", place);
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    if (target.isContentEditable) return true;
    var field = target.closest("input, textarea, select");
    if (!field || field.getClientRects().length === 0) return false;  // a field no one sees is not typed in
    var type = (field.getAttribute("type") || "text").toLowerCase();
    return ["button", "submit", "reset", "checkbox", "radio", "range", "color", "file", "image"].indexOf(type) < 0;
  }

  function otherDialogOpen(except) {
    return Array.prototype.some.call(document.querySelectorAll("dialog[open]"), function (d) { return d !== except; });
  }

  function show(dialog) {
    if (dialog.open) return;
    opener = document.activeElement && document.activeElement !== document.body ? document.activeElement : null;
    before = opener;
    dialog.showModal();
  }

  function isOpen(dialog) { return Boolean(dialog && dialog.open); }

  function mount() {
    if (palette) return;
    document.body.appendChild(template.content.cloneNode(true));
    palette = document.getElementById("palette");
    shortcuts = document.getElementById("shortcuts");
    input = document.getElementById("palette-input");
    results = document.getElementById("palette-results");
    status = document.getElementById("palette-status");
    if (window.htmx) window.htmx.process(palette);
    dialogsWire();
    resultsWire();
  }

  function openPalette() {
    mount();
    if (shortcuts.open) shortcuts.close();
    show(palette);
    input.focus();
    input.select();
    if (!loaded && window.htmx) {
      loaded = true;
      window.htmx.trigger(input, "palette-open");
    }
  }

  function dialogsWire() {
  [palette, shortcuts].forEach(function (dialog) {
    dialog.addEventListener("close", function () {
      var back = opener;
      opener = null;
      if (palette.open || shortcuts.open) return;
      if (back && document.contains(back)) back.focus();
      // Opened with nothing focused, or what was focused cannot take focus now: focus must not stay in the closed
      // dialog, where "/" and "?" would be typed.
      if (dialog.contains(document.activeElement)) document.activeElement.blur();
    });
    // A click on the backdrop (outside the dialog's box) closes it, as Esc does.
    dialog.addEventListener("click", function (event) {
      if (event.target !== dialog) return;
      var box = dialog.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) dialog.close();
    });
  });

  // Focus put back into a closed dialog (static/js/focus.js returns focus to the control whose htmx request just
  // settled, and the palette's input is one): it goes where it was before the dialog opened, else nowhere.
  [palette, shortcuts].forEach(function (dialog) {
    dialog.addEventListener("focusin", function (event) {
      if (dialog.open) return;
      if (before && document.contains(before) && !dialog.contains(before)) before.focus();
      else event.target.blur();
    });
  });
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (key === "k" || key === "K")) {
      if (otherDialogOpen(palette) && !isOpen(shortcuts)) return;  // a form's dialog stays in charge
      event.preventDefault();
      if (isOpen(palette)) { input.focus(); input.select(); } else openPalette();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (key === "/" && !otherDialogOpen(null)) {
      event.preventDefault();
      openPalette();
    } else if (key === "?" && !otherDialogOpen(null)) {
      event.preventDefault();
      mount();
      show(shortcuts);
    }
  });

  document.addEventListener("click", function (event) {
    var launch = event.target.closest && event.target.closest("[data-palette-open]");
    if (!launch || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();  // without this file, the link is the search page itself
    openPalette();
  });

  // The results as a listbox ------------------------------------------------------------------------------

  function options() {
    return Array.prototype.slice.call(results.querySelectorAll("[role=option]"));
  }

  function choose(option) {
    options().forEach(function (each) { each.setAttribute("aria-selected", each === option ? "true" : "false"); });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function chosen() {
    return results.querySelector("[role=option][aria-selected=true]");
  }

  function enhance() {
    results.querySelectorAll(".palette-group").forEach(function (group) {
      group.setAttribute("role", "group");
      group.querySelectorAll("ul, li, .palette-group-title").forEach(function (part) {
        part.setAttribute("role", "presentation");
      });
    });
    results.querySelectorAll("a.palette-hit").forEach(function (link, index) {
      link.id = "palette-option-" + index;
      link.setAttribute("role", "option");
      link.setAttribute("tabindex", "-1");  // reached with the arrow keys from the input, not with Tab
    });
    var found = results.querySelectorAll("a.palette-hit:not(.palette-more)").length;
    var failed = results.querySelectorAll(".palette-error").length;
    status.textContent = (found === 1 ? "1 result" : found + " results") +
      (failed ? ", " + failed + " area" + (failed === 1 ? "" : "s") + " could not be searched" : "");
    choose(options()[0] || null);
  }

  function resultsWire() {
  results.addEventListener("htmx:afterSwap", enhance);
  // What is chosen belongs to the results shown: once the words change, Enter opens the search page for them
  // until the new results arrive (and their first is chosen).
  input.addEventListener("input", function () { choose(null); });

  input.addEventListener("keydown", function (event) {
    var all = options();
    var index = all.indexOf(chosen());
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!all.length) return;
      var step = event.key === "ArrowDown" ? 1 : -1;
      choose(all[(index + step + all.length) % all.length]);
    } else if (event.key === "Home" && event.ctrlKey && all.length) {
      event.preventDefault();
      choose(all[0]);
    } else if (event.key === "End" && event.ctrlKey && all.length) {
      event.preventDefault();
      choose(all[all.length - 1]);
    } else if (event.key === "Enter" && index >= 0 && !event.isComposing) {
      event.preventDefault();  // the form would open the search page; the chosen result is what was asked for
      window.location.assign(all[index].href);
    } else if (event.key === "Escape") {
      event.preventDefault();
      palette.close();
    }
  });

  results.addEventListener("mousemove", function (event) {
    var option = event.target.closest && event.target.closest("[role=option]");
    if (option && option !== chosen()) choose(option);
  });
  }
})();
