// The plugin config logs page: apply type and source filters as they change, drop rows a "load older"
// page repeats, and the live tail: while "Live" is on and the tab is visible, fetch what is newer every 5 s.
(function () {
  "use strict";

  var POLL_MS = 5000;
  // Entries can reach PostHog a little after their own timestamp: each poll looks this far back
  // before the newest entry seen, and rows already on the page are skipped by id.
  var OVERLAP_MS = 60000;

  function clock() {
    return new Date().toISOString().slice(11, 19) + " UTC";
  }

  function rowsById(body) {
    var seen = {};
    body.querySelectorAll("tr[data-entry-id]").forEach(function (row) { seen[row.dataset.entryId] = true; });
    return seen;
  }

  // A "load older" page can repeat rows the tail added meanwhile (offsets shift by new entries).
  function dropRepeats(body) {
    var seen = {};
    body.querySelectorAll("tr[data-entry-id]").forEach(function (row) {
      if (seen[row.dataset.entryId]) { row.remove(); } else { seen[row.dataset.entryId] = true; }
    });
  }

  // New rows go where their timestamp belongs: a late entry can be older than one already shown.
  function insertRow(body, row) {
    var stamp = row.dataset.timestamp;
    var rows = body.querySelectorAll("tr[data-entry-id]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.timestamp < stamp) { body.insertBefore(row, rows[i]); return; }
    }
    var end = body.querySelector(".log-more, .log-end, .log-note");
    body.insertBefore(row, end);
  }

  function later(a, b) {
    if (!a) { return b || ""; }
    if (!b) { return a; }
    return new Date(a) >= new Date(b) ? a : b;
  }

  function setupTail(root) {
    var toggle = document.querySelector("[data-live-toggle]");
    var status = root.querySelector("[data-live-status]");
    var errorBox = root.querySelector("[data-live-error]");
    var body = root.querySelector("[data-log-rows]");
    var timer = null;
    var busy = false;

    body.addEventListener("htmx:afterSettle", function () { dropRepeats(body); });
    if (!toggle || toggle.disabled) { return; }

    function isLive() { return toggle.checked; }
    function visible() { return document.visibilityState === "visible"; }

    function since() {
      var newest = body.dataset.newest;
      var from = newest ? new Date(new Date(newest).getTime() - OVERLAP_MS).toISOString() : "";
      return later(from, root.dataset.afterFloor);
    }

    function url() {
      var after = since();
      return root.dataset.tailUrl + (after ? "&after=" + encodeURIComponent(after) : "");
    }

    function showError(node) {
      errorBox.replaceChildren();
      if (node) { errorBox.appendChild(node); }
    }

    function apply(html, newest) {
      var template = document.createElement("template");
      template.innerHTML = html; // the portal's own rendering of PostHog text, escaped by Django
      var alert = template.content.querySelector(".alert");
      if (alert) { showError(alert); return false; }
      var seen = rowsById(body);
      var overlapped = false;
      template.content.querySelectorAll("tr[data-entry-id]").forEach(function (row) {
        if (seen[row.dataset.entryId]) { overlapped = true; return; }
        seen[row.dataset.entryId] = true;
        row.classList.add("log-new");
        insertRow(body, row);
        var empty = body.querySelector("[data-log-empty]");
        if (empty) { empty.remove(); }
      });
      // A full page of new rows that reaches none already shown may have left some out.
      var gap = template.content.querySelector("[data-log-gap]");
      if (gap && !overlapped && !body.querySelector("[data-log-gap]")) { body.insertBefore(gap, body.firstChild); }
      body.dataset.newest = later(body.dataset.newest, newest);
      showError(null);
      return true;
    }

    function poll() {
      clearTimeout(timer);
      timer = null;
      if (!isLive() || !visible() || busy) { return; }
      busy = true;
      fetch(url(), { headers: { "HX-Request": "true", "X-Portal-Background": "1" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          var newest = response.headers.get("X-Log-Newest");
          return response.text().then(function (html) { return apply(html, newest); });
        })
        .then(function (ok) {
          status.textContent = ok ? "Live · updated " + clock() : "Live · the last refresh failed at " + clock();
        })
        .catch(function (error) {
          status.textContent = "Live · the last refresh failed at " + clock() + " (" + error.message + ")";
        })
        .finally(function () {
          busy = false;
          schedule();
        });
    }

    function schedule() {
      clearTimeout(timer);
      timer = null;
      if (!isLive()) { status.textContent = ""; return; }
      if (!visible()) { status.textContent = "Live · paused while this tab is hidden"; return; }
      timer = setTimeout(poll, POLL_MS);
    }

    function remember() {
      var address = new URL(window.location.href);
      if (isLive()) { address.searchParams.set("live", "1"); } else { address.searchParams.delete("live"); }
      history.replaceState(history.state, "", address);
    }

    toggle.addEventListener("change", function () {
      remember();
      if (isLive()) { status.textContent = "Live"; poll(); } else { schedule(); }
    });
    document.addEventListener("visibilitychange", function () {
      if (isLive() && visible()) { poll(); } else { schedule(); }
    });
    if (isLive()) { status.textContent = "Live"; schedule(); }
  }

  // Types and source apply at once; text and times wait for "Apply filters" (or Enter).
  function setupFilters(form) {
    form.addEventListener("change", function (event) {
      if (event.target.matches("input[name=types], select[name=source]")) { form.requestSubmit(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-log-filters]").forEach(setupFilters);
    document.querySelectorAll("[data-log-tail]").forEach(setupTail);
  });
})();
