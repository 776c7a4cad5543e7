// Sortable tables, and the Save view dialog's page (apps/saved_views).
//
// Every table in #content whose rows are all on the page gets a button in each header cell that sorts its rows, in
// the browser, without a request. A table with a paging control near it (Load more, Older →, a pager) holds one page
// of many: sorting it would pretend to sort them all, so it is left as the server ordered it. So is a table marked
// data-unsortable, one the server sorts (a header with aria-sort of its own), one whose rows are an order a person
// sets (draggable rows: the pipeline's run order), and one whose rows are not one row per item (a cell spanning
// columns or rows). The sort is kept in the address (?sort=column&dir=asc|desc, by history.replaceState) so a
// reload, a shared link and a saved view open sorted the same way.
(function () {
  "use strict";

  var PAGING = 'a[rel="next"], a[rel="prev"], .pager, [data-paging], .log-more, .runs-more';
  var PAGING_WORDS = /^(load more|older|newer|next|previous|more)\b|[←→]$/i;
  var PAGE_PARAMS = ["page", "offset", "before", "cursor"];
  var DIRS = { asc: "ascending", desc: "descending" };
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var remembered = null; // {sort, dir}: the last sort asked for, kept across htmx swaps of a table

  function hasPaging(node) {
    if (node.matches && node.matches(PAGING)) return true;
    if (node.querySelector(PAGING)) return true;
    var controls = node.querySelectorAll("a, button");
    for (var i = 0; i < controls.length; i++) {
      if (PAGING_WORDS.test(controls[i].textContent.trim())) return true;
    }
    return false;
  }

  // The table's paging control, if any, sits in the table or near it: climb from the table while the ancestor holds
  // no other table (whose controls those would be).
  function isPartial(table, content) {
    var params = new URLSearchParams(location.search);
    if (PAGE_PARAMS.some(function (name) { return params.has(name); })) return true;
    if (hasPaging(table)) return true;
    var node = table;
    while (node !== content && node.parentElement) {
      var parent = node.parentElement;
      if (parent.querySelectorAll("table").length > node.querySelectorAll("table").length + (node.matches("table") ? 1 : 0)) break;
      node = parent;
      if (hasPaging(node)) return true;
    }
    return false;
  }

  function headerCells(table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) return null;
    return Array.prototype.slice.call(head.rows[0].cells);
  }

  function eligible(table, content) {
    if (table.dataset.sortableReady || table.closest("[data-unsortable]")) return false;
    var headers = headerCells(table);
    if (!headers || table.tBodies.length !== 1) return false;
    if (headers.some(function (th) { return th.hasAttribute("aria-sort") || th.colSpan > 1; })) return false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    if (rows.length < 2) return false;
    var spans = rows.some(function (row) {
      if (row.cells.length !== headers.length || row.hasAttribute("draggable") || row.dataset.configId) return true;
      return Array.prototype.some.call(row.cells, function (cell) { return cell.colSpan > 1 || cell.rowSpan > 1; });
    });
    if (spans || table.closest("[data-config-order]")) return false;
    return !isPartial(table, content);
  }

  // A header whose only words are for screen readers (an icon column, the row's actions) sorts nothing a person sees.
  function visibleLabel(th) {
    var copy = th.cloneNode(true);
    copy.querySelectorAll(".sr-only, .visually-hidden, [hidden]").forEach(function (node) { node.remove(); });
    return copy.textContent.trim();
  }

  function slug(text) {
    return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  // What a cell sorts by: its data-sort, else its <time datetime>, else a number when it reads as one, else its text.
  // An empty cell or a dash sorts last whichever the direction.
  function cellValue(cell) {
    var raw = cell.dataset.sort;
    if (raw === undefined) {
      var time = cell.querySelector("time[datetime]");
      if (time) {
        var when = Date.parse(time.getAttribute("datetime"));
        if (!isNaN(when)) return { kind: 0, value: when };
      }
      raw = cell.textContent;
    }
    var text = raw.replace(/\s+/g, " ").trim();
    if (!text || text === "—" || text === "-") return null;
    if (/^[-+\u2212]?[\d\s\u202f,]*\.?\d+\s*%?$/.test(text)) {
      var number = parseFloat(text.replace(/[\s\u202f,%]/g, "").replace("\u2212", "-"));
      if (!isNaN(number)) return { kind: 0, value: number };
    }
    return { kind: 1, value: text };
  }

  function compare(a, b) {
    if (a.kind !== b.kind) return a.kind - b.kind; // numbers and times before words
    return a.kind === 0 ? a.value - b.value : collator.compare(a.value, b.value);
  }

  function sortTable(table, index, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, value: cellValue(row.cells[index]), position: position };
    });
    var sign = dir === "desc" ? -1 : 1;
    rows.sort(function (a, b) {
      if (!a.value || !b.value) return (a.value ? -1 : b.value ? 1 : 0) || a.position - b.position;
      return sign * compare(a.value, b.value) || a.position - b.position; // stable: ties keep their order
    });
    // Rows already in order stay put; moving a row takes focus from what is in it, so focus is put back after.
    var moved = rows.some(function (item, position) { return item.position !== position; });
    if (moved) {
      var focused = document.activeElement;
      rows.forEach(function (item) { body.appendChild(item.row); });
      if (focused && focused !== document.activeElement && body.contains(focused)) focused.focus({ preventScroll: true });
    }
    headerCells(table).forEach(function (th, column) {
      if (!th.dataset.sortable) return;
      if (column === index) th.setAttribute("aria-sort", DIRS[dir]);
      else th.removeAttribute("aria-sort");
    });
    table.dataset.sortedBy = index + ":" + dir;
  }

  function writeAddress(key, dir) {
    var url = new URL(location.href);
    url.searchParams.set("sort", key);
    url.searchParams.set("dir", dir);
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  }

  function prepare(table, position) {
    table.dataset.sortableReady = "true";
    var prefix = table.id ? table.id + "." : position ? "t" + (position + 1) + "." : "";
    var keys = {};
    headerCells(table).forEach(function (th, index) {
      var label = th.textContent.trim();
      if (!visibleLabel(th) || th.hasAttribute("data-unsortable")) return;
      var key = slug(label) || "c" + (index + 1);
      if (keys[key] !== undefined) key += "-" + (index + 1);
      keys[key] = index;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.title = "Sort by " + label.toLowerCase();
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.dataset.sortable = prefix + key;
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "desc" : "asc";
        sortTable(table, index, dir);
        remembered = { sort: prefix + key, dir: dir };
        writeAddress(prefix + key, dir);
      });
    });
  }

  function applyAddress(tables) {
    var params = new URLSearchParams(location.search);
    var asked = params.get("sort") && DIRS[params.get("dir")] ? { sort: params.get("sort"), dir: params.get("dir") } : remembered;
    if (!asked) return;
    tables.forEach(function (table) {
      headerCells(table).forEach(function (th, index) {
        if (th.dataset.sortable !== asked.sort) return;
        sortTable(table, index, asked.dir);
        if (params.get("sort") !== asked.sort || params.get("dir") !== asked.dir) writeAddress(asked.sort, asked.dir);
      });
    });
  }

  function setUp() {
    var content = document.getElementById("content");
    if (!content) return;
    // A page the server sorts (?sort= of its own, headers with aria-sort) keeps the parameter to itself.
    if (content.querySelector("th[aria-sort]:not([data-sortable])")) return;
    var tables = Array.prototype.slice.call(content.querySelectorAll("table"));
    var fresh = tables.filter(function (table) { return eligible(table, content); });
    fresh.forEach(function (table) { prepare(table, tables.indexOf(table)); });
    applyAddress(tables.filter(function (table) { return table.dataset.sortableReady; }));
  }

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", function (event) {
    setUp();
    // The save form came back with an error: focus goes to what needs fixing, not to the page behind the dialog.
    var form = document.getElementById("save-view-form");
    if (form && event.target && (event.target === form || event.target.contains(form) || !event.target.isConnected)) {
      var invalid = form.querySelector(".field-invalid input, .field-error");
      if (invalid && form.contains(document.activeElement) === false) {
        if (invalid.matches("input")) invalid.focus();
        else { invalid.setAttribute("tabindex", "-1"); invalid.focus(); }
      }
    }
  });

  // Save view: the page is saved as the address bar has it now (filters applied in place and the sort change it
  // without a reload), not as it was when the page was first rendered.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-save-view-open]");
    if (!opener) return;
    event.preventDefault(); // portal.js opens the dialog (data-open-dialog); the link is for pages without scripts
    var form = document.getElementById("save-view-form");
    if (!form) return;
    form.elements.path.value = location.pathname;
    form.elements.query.value = location.search.replace(/^\?/, "");
  });
})();
