// Runs before the page paints, so a dark-mode user never sees a white flash.
(function () {
  var saved = localStorage.getItem("portal-theme");
  if (saved) document.documentElement.dataset.theme = saved;
})();
