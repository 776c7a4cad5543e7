// While a write runs, the control that sent it cannot send it again: a write that hangs (PostHog slow to answer)
// would otherwise take a second click for a second write. For every htmx request that is not a GET, the element
// that made it and the submit buttons of its form are disabled until the answer (or the error, the timeout, the
// abort); only those this script disabled are enabled again (a button disabled for its own reasons stays so). A
// plain form post disables its submit buttons once the browser has read the form (the clicked button's name and
// value are sent), and they are enabled again when the page is shown from the back-forward cache.
(function () {
  "use strict";

  var CONTROL = "button, input[type=submit], input[type=button], input[type=checkbox], input[type=radio], select";
  var SUBMIT = "button:not([type]), button[type=submit], input[type=submit]";
  var PLAIN_POST_GIVE_UP_MS = 30000; // a post that does not leave the page (a download) gets its buttons back
  var busy = new WeakMap(); // the request (its XMLHttpRequest) -> the controls disabled for it

  function submitButtons(form) {
    if (!form) return [];
    return Array.prototype.filter.call(form.elements, function (el) { return el.matches(SUBMIT); });
  }

  function disable(controls) {
    var disabled = [];
    controls.forEach(function (el) {
      if (el.disabled || disabled.indexOf(el) >= 0) return;
      el.disabled = true;
      el.setAttribute("data-busy", "");
      disabled.push(el);
    });
    return disabled;
  }

  function enable(controls) {
    controls.forEach(function (el) {
      if (!el.hasAttribute("data-busy")) return;
      el.disabled = false;
      el.removeAttribute("data-busy");
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail || {};
    var verb = String((detail.requestConfig && detail.requestConfig.verb) || "get").toLowerCase();
    var elt = detail.elt;
    if (verb === "get" || !elt || !detail.xhr || !elt.matches) return;
    var form = elt.tagName === "FORM" ? elt : elt.form || elt.closest("form");
    var controls = (elt.matches(CONTROL) ? [elt] : []).concat(submitButtons(form));
    busy.set(detail.xhr, disable(controls));
  });

  function done(event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || !busy.has(xhr)) return;
    enable(busy.get(xhr));
    busy.delete(xhr);
  }
  ["htmx:afterRequest", "htmx:sendError", "htmx:timeout", "htmx:sendAbort"].forEach(function (name) {
    document.addEventListener(name, done);
  });

  // A plain post (htmx prevents the default of the forms it sends, so those never get here).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if (String(form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.target && form.target !== "_self") return;
    // After the browser has built what it sends: a disabled button's name and value would be left out.
    setTimeout(function () {
      var disabled = disable(submitButtons(form));
      setTimeout(function () { enable(disabled); }, PLAIN_POST_GIVE_UP_MS);
    }, 0);
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) enable(Array.prototype.slice.call(document.querySelectorAll("[data-busy]")));
  });
})();
