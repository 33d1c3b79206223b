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
    // The arrow keys move through the search's results (from the box or a result);
    // Enter then opens the result that has the focus, as a link does.
    var results = document.getElementById("global-search-results");
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && results &&
        (document.activeElement === search || results.contains(document.activeElement))) {
      var options = Array.prototype.slice.call(results.querySelectorAll("[role=option]"));
      if (!options.length) return;
      event.preventDefault();
      var at = options.indexOf(document.activeElement);
      var next = event.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) { search.focus(); return; }
      options[Math.min(next, options.length - 1)].focus();
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

  // The Content-Security-Policy allows no inline handler (onchange=, hx-on) and no style
  // attribute: these data attributes carry the same behaviour from this file.
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-submit-on-change]");
    if (field && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-reset-on-success]");
    if (form && event.detail.successful) form.reset();
  });
  // Progress bars take their width from the aria-valuenow of their .progress (set through
  // the CSS object model, which the policy allows), on load and in every swapped fragment.
  function sizeProgressBars(root) {
    root.querySelectorAll(".progress[aria-valuenow]").forEach(function (progress) {
      var bar = progress.querySelector(".progress-bar");
      var value = Math.max(0, Math.min(100, Number(progress.getAttribute("aria-valuenow")) || 0));
      if (bar) bar.style.width = value + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { sizeProgressBars(document); });
  document.addEventListener("htmx:load", function (event) {
    sizeProgressBars(event.target.parentNode || event.target);
  });
})();
