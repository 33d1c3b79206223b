// Applied before the page paints, so a dark-mode user never sees a white flash.
(function () {
  var stored = localStorage.getItem("omni-theme");
  var prefersDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.setAttribute("data-bs-theme", stored || (prefersDark ? "dark" : "light"));
})();
