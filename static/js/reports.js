/*
 * reports.js: draws the dashboard's charts with the vendored Chart.js.
 *
 * Each chart reads its published table from a <script type="application/json"> element (Django's
 * json_script: data, never run), so the page needs no inline script. The same figures are in the
 * accessible table under each chart; a suppressed figure is a gap in the chart, never a zero.
 */
(function () {
  "use strict";

  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var table = JSON.parse(source.textContent);
    var stacked = table.chart === "stacked";
    var datasets = table.columns.map(function (column, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: column.label,
        data: table.rows.map(function (row) { return row.values[i]; }),
        backgroundColor: colour,
        borderColor: colour,
        spanGaps: false
      };
    });
    new window.Chart(canvas, {
      type: table.chart === "line" ? "line" : "bar",
      data: { labels: table.rows.map(function (row) { return row.label; }), datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: table.unit === "count" ? 0 : undefined } }
        }
      }
    });
    canvas.setAttribute("data-drawn", "true");
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
