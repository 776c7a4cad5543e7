/* Plugin config form: the schema's visible_if / required_if as the person types, the plugin picker's
   search, and secrets and chosen files kept when htmx redraws the form around an error (the server
   never writes a secret into the page, and no server can hand a chosen file back). */
(function () {
  "use strict";

  // A kept secret or a stored file: set, and equal to no value a condition could name (as on the server).
  var IS_SET = "\u0000set";
  var FORM = "form[data-config-form]";

  function conditions(text) {
    try {
      var parsed = JSON.parse(text || "[]");
      return Array.isArray(parsed) ? parsed : [];
    } catch (error) {
      return [];
    }
  }

  // PostHog's doFieldRequirementsMatch: [key] means "key is set", [key, value] equality; all must hold.
  function holds(pairs, values) {
    return pairs.every(function (pair) {
      var actual = values[pair[0]] || "";
      return pair.length === 1 ? actual !== "" : actual === pair[1];
    });
  }

  function checked(wrapper, prefix) {
    var box = wrapper.querySelector("input[type=checkbox][name^='" + prefix + "']");
    return Boolean(box && box.checked);
  }

  function currentValue(wrapper) {
    var input = wrapper.querySelector("input:not([type=checkbox]), select, textarea");
    if (!input) return "";
    if (input.type === "file") {
      var kept = wrapper.hasAttribute("data-file-stored") && !checked(wrapper, "remove__");
      return input.files.length || kept ? IS_SET : "";
    }
    var value = input.value.trim();
    if (value || !wrapper.hasAttribute("data-secret-set")) return value;
    return checked(wrapper, "clear__") ? "" : IS_SET;
  }

  function applyConditions(form) {
    var wrappers = form.querySelectorAll("[data-config-key]");
    var values = {};
    wrappers.forEach(function (wrapper) { values[wrapper.dataset.configKey] = currentValue(wrapper); });
    wrappers.forEach(function (wrapper) {
      var requiredIf = conditions(wrapper.dataset.requiredIf);
      // A field with an error stays in view, as the server drew it, until the next redraw.
      wrapper.hidden = !holds(conditions(wrapper.dataset.visibleIf), values) && !wrapper.classList.contains("field-invalid");
      wrapper.classList.toggle(
        "is-required",
        wrapper.hasAttribute("data-required") || (requiredIf.length > 0 && holds(requiredIf, values))
      );
    });
  }

  function filterPlugins(search) {
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    document.querySelectorAll("[data-plugin-choice]").forEach(function (item) {
      item.hidden = item.dataset.search.indexOf(query) === -1;
      if (!item.hidden) shown += 1;
    });
    var none = document.querySelector("[data-plugin-none]");
    if (none) none.hidden = shown > 0;
  }

  function refresh() {
    document.querySelectorAll(FORM).forEach(applyConditions);
    var search = document.querySelector("[data-plugin-search]");
    if (search) filterPlugins(search);
  }

  function onEdit(event) {
    var form = event.target.closest && event.target.closest(FORM);
    if (form) applyConditions(form);
    if (event.target.matches && event.target.matches("[data-plugin-search]")) filterPlugins(event.target);
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  // The browser may have restored typed values (back button); the server drew the page from its own.
  document.addEventListener("DOMContentLoaded", refresh);

  var carried = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.target;
    if (!form || !form.matches || !form.matches(FORM)) return; // an error banner leaves the form alone
    carried = {};
    form.querySelectorAll("[data-carry]").forEach(function (input) {
      carried[input.name] = input.type === "file" ? input.files : input.value;
    });
  });

  document.addEventListener("htmx:afterSwap", function () {
    var form = document.querySelector(FORM);
    if (form && carried) {
      form.querySelectorAll("[data-carry]").forEach(function (input) {
        var value = carried[input.name];
        if (input.type === "file" && value && value.length) input.files = value;
        else if (input.type !== "file" && value && !input.value) input.value = value;
      });
    }
    carried = null;
    refresh();
  });
})();
