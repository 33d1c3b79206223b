// Staff UI behaviour shared by every page: Ctrl+K search, dark mode, scan-to-open.
(function () {
  var search = document.getElementById("global-search");
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k" && search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
    if (event.key === "Escape" && search && document.activeElement === search) {
      document.getElementById("global-search-results").innerHTML = "";
      search.blur();
    }
  });

  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var root = document.documentElement;
      var next = root.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
      root.setAttribute("data-bs-theme", next);
      localStorage.setItem("omni-theme", next);
    });
  }

  // Elements marked data-autofocus-scan keep the focus, so a USB scanner's keystrokes
  // (the code then Enter) always land in them.
  function refocusScanField() {
    var field = document.querySelector("[data-autofocus-scan]");
    var active = document.activeElement;
    var typing = active && (active.tagName === "INPUT" || active.tagName === "SELECT" || active.tagName === "TEXTAREA");
    if (field && !typing) field.focus();
  }
  document.addEventListener("DOMContentLoaded", refocusScanField);
  document.addEventListener("htmx:afterSettle", refocusScanField);
})();
