/* The officers' dashboard: draws the charts from the JSON the page embeds (#chart-data).
   Labels arrive translated from the server; Chart.js is vendored (static/vendor/chartjs). */
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var colours = { scenario: "#1f5fbf", capability: "#0b7a3b", funnel: ["#8aa4c8", "#5b83bd", "#0b6e6e", "#0b7a3b"] };
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;  // charts appear at once (and screenshots are stable)

  function pair(canvasId, block, horizontal) {
    var el = document.getElementById(canvasId);
    if (!el) { return; }
    new Chart(el, {
      type: "bar",
      data: {
        labels: block.labels,
        datasets: [
          { label: data.series.scenario, data: block.scenario, backgroundColor: colours.scenario },
          { label: data.series.capability, data: block.capability, backgroundColor: colours.capability }
        ]
      },
      options: {
        indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: false, ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  pair("chart-field", data.field, true);
  pair("chart-city", data.city, false);
  var funnel = document.getElementById("chart-funnel");
  if (funnel) {
    new Chart(funnel, {
      type: "bar",
      data: { labels: data.funnel.labels,
              datasets: [{ label: data.series.matches, data: data.funnel.values, backgroundColor: colours.funnel }] },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false,
                 scales: { x: { ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }
    });
  }
})();
