// Redemptions per channel: a bar chart drawn from the table's rows (data-channel, data-count).
(function () {
  var canvas = document.getElementById("channel-chart");
  if (!canvas || !window.Chart) return;
  var rows = Array.from(document.querySelectorAll("#channel-table tbody tr[data-channel]"));
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map(function (row) { return row.dataset.channel; }),
      datasets: [{ label: canvas.dataset.label, data: rows.map(function (row) { return Number(row.dataset.count); }) }],
    },
    options: { plugins: { legend: { display: false } } },
  });
})();
