// Where keyboard focus goes after htmx swaps content in place (a toggle, a reorder, an inline edit, "load more"),
// and Esc cancelling an inline edit. Without this, focus falls to <body> whenever the focused control is swapped
// out (or disabled while its request runs), and the next Tab starts again from the top of the page.
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), "
    + "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  var requests = new WeakMap(); // xhr -> what was focused when the request started
  var originals = {}; // id of a row being edited in place -> its HTML before the edit, for Esc and Cancel

  function lost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  // What names a control well enough to find it again once htmx has replaced it with a fresh copy.
  function describe(el) {
    var row = el.parentElement && el.parentElement.closest("[id]");
    return {
      el: el,
      id: el.id,
      tag: el.tagName,
      action: el.getAttribute("hx-post") || el.getAttribute("hx-get") || el.getAttribute("href") || "",
      vals: el.getAttribute("hx-vals") || "",
      label: el.getAttribute("aria-label") || "",
      text: (el.textContent || "").trim(),
      name: el.getAttribute("name") || "",
      rowId: row ? row.id : "",
    };
  }

  function usable(el) {
    return el && el.isConnected && !el.disabled && el.getClientRects().length > 0;
  }

  function same(key, el) {
    return el.tagName === key.tag && (el.getAttribute("hx-post") || el.getAttribute("hx-get") || el.getAttribute("href") || "") === key.action
      && (el.getAttribute("hx-vals") || "") === key.vals && (el.getAttribute("name") || "") === key.name;
  }

  // The control itself (by id, by what it does, by its name), else another control of its row (a row moved to the
  // top keeps its "Move down" button), else the row, else the content that replaced it.
  function replacement(key, target) {
    var found = key.id && document.getElementById(key.id);
    if (usable(found)) return found;
    var candidates = Array.prototype.filter.call(document.querySelectorAll(key.tag), function (el) { return same(key, el); });
    if (key.action && candidates.length === 1 && usable(candidates[0])) return candidates[0];
    var row = key.rowId && document.getElementById(key.rowId);
    if (row) {
      var mine = Array.prototype.filter.call(row.querySelectorAll(key.tag), function (el) {
        return usable(el) && (same(key, el) || (key.label && el.getAttribute("aria-label") === key.label)
          || (!key.action && key.text && (el.textContent || "").trim() === key.text));
      });
      if (mine.length) return mine[0];
      var sibling = Array.prototype.find.call(row.querySelectorAll(FOCUSABLE), function (el) {
        return usable(el) && key.action && (el.getAttribute("hx-post") || el.getAttribute("hx-get")) === key.action;
      });
      if (sibling) return sibling;
      var first = Array.prototype.find.call(row.querySelectorAll(FOCUSABLE), usable);
      if (first) return first;
      return holder(row);
    }
    return target && target.isConnected ? holder(target) : null;
  }

  // An element that is not a control, focused so the next Tab continues from there (no outline: portal.css).
  function holder(el) {
    if (!el.matches(FOCUSABLE) && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    return el;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var elt = event.detail.elt;
    var focused = active && active !== document.body ? active : elt && elt.matches && elt.matches(FOCUSABLE) ? elt : null;
    // The element that asked (later events name the swap's target as their elt, not it).
    if (focused && event.detail.xhr) requests.set(event.detail.xhr, { key: describe(focused), elt: elt, swapping: false, done: false });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var entry = requests.get(event.detail.xhr);
    if (entry) entry.swapping = event.detail.shouldSwap;
    // An edit form replacing its row (a GET whose target holds the control that asked): keep the row, for Esc.
    var target = event.detail.target;
    var config = event.detail.requestConfig || {};
    if (event.detail.shouldSwap && config.verb === "get" && target && target.id && target.tagName === "TR"
      && entry && target.contains(entry.elt) && /<form[\s>]/i.test(event.detail.serverResponse || "")) {
      originals[target.id] = { html: target.outerHTML, key: entry ? entry.key : null };
    }
  });

  function settle(xhr, target) {
    var entry = requests.get(xhr);
    if (!entry || entry.done) return;
    var elt = entry.elt;
    entry.done = true;
    var key = entry.key;
    // Content that asked for a person's attention first: a field PostHog or the form refused, or the first field
    // of an edit form that just opened in place.
    var region = target && target.isConnected ? target : key.rowId && document.getElementById(key.rowId);
    var inRegion = region && region.contains && (lost() || region.contains(document.activeElement));
    var invalid = inRegion && region.querySelector("[aria-invalid='true']");
    if (usable(invalid)) return invalid.focus();
    var editing = key.rowId && originals[key.rowId] && document.getElementById(key.rowId);
    if (editing && !editing.querySelector("form")) delete originals[key.rowId]; // saved: the row is shown again
    else if (editing && (lost() || !editing.contains(document.activeElement))) {
      var field = Array.prototype.find.call(editing.querySelectorAll("input, textarea, select"), usable);
      if (field) return field.focus();
    }
    if (!lost()) return;
    // "Load more": the control that was used is gone, the entries it brought are what the person came for.
    if (elt && elt.hasAttribute && elt.hasAttribute("data-focus-new") && elt.dataset.focusNewFrom) {
      var next = document.getElementById(elt.dataset.focusNewFrom);
      var inside = next && Array.prototype.find.call(next.querySelectorAll(FOCUSABLE), usable);
      if (next) return (inside || holder(next)).focus();
    }
    var back = key.el.isConnected && usable(key.el) ? key.el : replacement(key, target);
    if (back) back.focus({ preventScroll: false });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    settle(event.detail.xhr, event.detail.target);
  });
  // No swap (hx-swap="none", a refusal shown as a toast): the control was only disabled while the request ran.
  // A write answered with a redirect to this same page (HX-Redirect) reloads it: what was focused is kept for the
  // page that comes back, which focuses it again (or its row's first control) once loaded.
  var KEPT = "portal-focus";
  document.addEventListener("htmx:afterRequest", function (event) {
    var entry = requests.get(event.detail.xhr);
    if (!entry || entry.swapping) return;
    var redirect = event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Redirect");
    if (redirect) {
      var to = new URL(redirect, location.href);
      if (to.pathname === location.pathname) {
        var key = entry.key;
        sessionStorage.setItem(KEPT, JSON.stringify({ path: to.pathname, key: {
          id: key.id, tag: key.tag, action: key.action, vals: key.vals, label: key.label, text: key.text, name: key.name, rowId: key.rowId,
        } }));
      }
      return;
    }
    setTimeout(function () { settle(event.detail.xhr, null); }, 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var kept = sessionStorage.getItem(KEPT);
    if (!kept) return;
    sessionStorage.removeItem(KEPT);
    try { kept = JSON.parse(kept); } catch (error) { return; }
    if (kept.path !== location.pathname || !lost()) return;
    var back = replacement(kept.key, null);
    if (back) back.focus();
  });

  // "Load more" (data-focus-new on the button): remember which element will be the first new entry, so focus can
  // move to it once the entries arrive instead of jumping back to the top. The row holding the button is replaced
  // by the new entries, whose first one takes the row's place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var entry = requests.get(event.detail.xhr);
    var elt = entry && entry.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-focus-new") || !event.detail.shouldSwap) return;
    var place = event.detail.target;
    var before = place.previousElementSibling;
    var parent = place.parentElement;
    var marker = "focus-new-" + Date.now();
    document.addEventListener("htmx:afterSwap", function mark() {
      document.removeEventListener("htmx:afterSwap", mark);
      var first = before ? before.nextElementSibling : parent && parent.firstElementChild;
      if (first && !first.id) first.id = marker;
      if (first) elt.dataset.focusNewFrom = first.id;
    });
  });

  // Esc in a row being edited in place, or its Cancel link: the row comes back as it was, focus on its Edit button.
  function cancel(row) {
    var saved = originals[row.id];
    if (!saved) return false;
    delete originals[row.id];
    var holderRow = document.createElement("tbody");
    holderRow.innerHTML = saved.html;
    var restored = holderRow.firstElementChild;
    row.replaceWith(restored);
    htmx.process(restored);
    var back = saved.key ? replacement(saved.key, restored) : Array.prototype.find.call(restored.querySelectorAll(FOCUSABLE), usable);
    if (back) back.focus();
    return true;
  }

  // A box that scrolls (a table wider than a phone, a long listing) with nothing focusable in it could not be
  // scrolled from the keyboard (WCAG 2.1.1): while it overflows it is a stop of its own (tabindex 0, its outline in
  // portal.css), a region named by its table's caption or the heading before it; a table keeps its role and its
  // caption's name. Once it fits again (a wider window) it is left as it was.
  var SCROLLS = /^(auto|scroll)$/;
  var names = 0;

  function overflows(el) {
    var wide = el.scrollWidth > el.clientWidth + 1;
    var tall = el.scrollHeight > el.clientHeight + 1;
    if (!wide && !tall) return false;
    var style = getComputedStyle(el);
    return (wide && SCROLLS.test(style.overflowX)) || (tall && SCROLLS.test(style.overflowY));
  }

  function namer(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption;
    var found = null;
    document.querySelectorAll("#content :is(h1, h2, h3, h4, h5, h6)").forEach(function (heading) {
      if (heading.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) found = heading;
    });
    return found;
  }

  function stop(box) {
    var added = [];
    var set = function (name, value) {
      if (box.hasAttribute(name)) return;
      box.setAttribute(name, value);
      added.push(name);
    };
    set("tabindex", "0");
    var table = box.tagName === "TABLE";
    if (!table) set("role", "region");
    var by = namer(box);
    if (by && !(table && by.tagName === "CAPTION")) {
      if (!by.id) by.id = "scroll-name-" + (names += 1);
      if (!box.hasAttribute("aria-label")) set("aria-labelledby", by.id);
    } else if (!by) {
      set("aria-label", table ? "Table" : "Scrolling content");
    }
    box.setAttribute("data-scroll-stop", added.join(" "));
  }

  function unstop(box) {
    box.getAttribute("data-scroll-stop").split(" ").forEach(function (name) { if (name) box.removeAttribute(name); });
    box.removeAttribute("data-scroll-stop");
  }

  function markScrollBoxes() {
    var content = document.getElementById("content");
    if (!content) return;
    // A stop no longer needed: the box fits now, or holds a control of its own (a sortable header's button).
    content.querySelectorAll("[data-scroll-stop]").forEach(function (box) {
      if (box === document.activeElement) return;
      if (!overflows(box) || Array.prototype.some.call(box.querySelectorAll(FOCUSABLE), usable)) unstop(box);
    });
    content.querySelectorAll("*").forEach(function (el) {
      if (el.hasAttribute("data-scroll-stop") || el.matches(FOCUSABLE) || !el.getClientRects().length || !overflows(el)) return;
      if (Array.prototype.some.call(el.querySelectorAll(FOCUSABLE), usable)) return;
      stop(el);
    });
  }

  var marking = null;
  function markSoon() {
    clearTimeout(marking);
    marking = setTimeout(markScrollBoxes, 100);
  }
  document.addEventListener("DOMContentLoaded", markScrollBoxes);
  window.addEventListener("load", markScrollBoxes);
  document.addEventListener("htmx:afterSwap", markScrollBoxes);
  document.addEventListener("htmx:afterSettle", markScrollBoxes);
  window.addEventListener("resize", markSoon);
  document.addEventListener("toggle", markSoon, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var row = event.target.closest && event.target.closest("tr[id]");
    if (row && originals[row.id] && row.querySelector("form") && cancel(row)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-cancel-edit]");
    var row = link && link.closest("tr[id]");
    if (row && originals[row.id] && cancel(row)) event.preventDefault();
  });
})();
