// Draws each chart described in the JSON block #chart-data: one series ("values") or several
// ("series"), as lines or bars (one colour a bar with "barColours"), with a target line or a target range as a band. Each canvas has
// its text alternative beside it in the page (aria-describedby).
(function () {
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var colours = ["#1d70b8", "#c55a11", "#2e8b8b", "#7f6000"];
  JSON.parse(source.textContent).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) { return; }
    var series = chart.series || [{ reference: "", title: "Figure", values: chart.values }];
    var datasets = series.map(function (one, index) {
      var colour = colours[index % colours.length];
      return {
        type: chart.kind === "bar" ? "bar" : "line",
        label: (one.reference ? one.reference + " " : "") + one.title,
        data: one.values, borderColor: chart.barColours || colour,
        backgroundColor: chart.barColours || colour, spanGaps: false, tension: 0
      };
    });
    var fill = function (value) { return chart.labels.map(function () { return value; }); };
    if (chart.target !== null && chart.target !== undefined) {
      datasets.push({
        type: "line", label: "Target", data: fill(chart.target),
        borderColor: "#00703c", borderDash: [6, 4], pointRadius: 0
      });
    }
    if (chart.band) {
      datasets.push({
        type: "line", label: "Target range", data: fill(chart.band[1]), fill: "+1",
        borderColor: "#00703c", borderWidth: 1, backgroundColor: "rgba(0, 112, 60, 0.15)",
        pointRadius: 0
      });
      datasets.push({
        type: "line", label: "Target range (low)", data: fill(chart.band[0]),
        borderColor: "#00703c", borderWidth: 1, pointRadius: 0
      });
    }
    new Chart(canvas, {
      data: { labels: chart.labels, datasets: datasets },
      options: {
        animation: false, maintainAspectRatio: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: {
          x: { title: { display: true, text: chart.xTitle || "Month" } },
          y: {
            beginAtZero: true,
            title: { display: Boolean(chart.unit), text: chart.unit || "" },
            ticks: {
              precision: chart.whole ? 0 : undefined,
              callback: function (v) { return chart.percent ? v + "%" : v; }
            }
          }
        }
      }
    });
  });
})();
