// Draws each chart described in the JSON block #chart-data: monthly values and a target line.
(function () {
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  JSON.parse(source.textContent).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) { return; }
    var datasets = [{
      label: "Figure", data: chart.values, borderColor: "#1d70b8", backgroundColor: "#1d70b8",
      spanGaps: false, tension: 0
    }];
    if (chart.target !== null) {
      datasets.push({
        label: "Target", data: chart.labels.map(function () { return chart.target; }),
        borderColor: "#00703c", borderDash: [6, 4], pointRadius: 0
      });
    }
    new Chart(canvas, {
      type: "line",
      data: { labels: chart.labels, datasets: datasets },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { ticks: { callback: function (v) { return chart.percent ? v + "%" : v; } } } }
      }
    });
  });
})();
