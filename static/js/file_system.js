(function () {
  "use strict";

  // A folder's toggle shows or hides what is in it; htmx loads the content on the first click.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".fs-toggle");
    if (!toggle) return;
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    var content = document.getElementById(toggle.getAttribute("aria-controls"));
    if (content) content.hidden = !open;
  });
})();
