// Stock look-up: after a scan (the code, then Enter), select the code so that the next
// scan replaces it instead of being appended; typing by hand (search as you type) is left alone.
(function () {
  var form = document.getElementById("stock-scan-form");
  if (!form) return;
  var scanned = false;
  form.addEventListener("submit", function () { scanned = true; });
  document.body.addEventListener("htmx:afterSettle", function () {
    var field = document.getElementById("stock-scan");
    if (scanned && field) { field.focus(); field.select(); }
    scanned = false;
  });
})();
