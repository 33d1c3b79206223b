// Draws every <canvas data-chart> from the JSON island named by data-source, again after
// each htmx swap of the figures.
(function () {
  var charts = [];
  function draw() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.source);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var isBar = canvas.dataset.chart === "bar";
      charts.push(new Chart(canvas, {
        type: canvas.dataset.chart,
        data: { labels: data.labels, datasets: [{ label: data.label, data: data.values }] },
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { display: !isBar, position: "right" } },
          scales: isBar ? { y: { beginAtZero: true, ticks: { callback: function (v) { return v + " %"; } } } } : {},
        },
      }));
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
