// Draws each report table's charts with Chart.js from the rows the page also shows as a table.
// The data (labels already translated) is the JSON in #report-data; nothing is fetched.
"use strict";
(() => {
  // Sizes and shades the page computed come as data-* attributes: the Content-Security-Policy
  // refuses style="" attributes, but not styles set from a script.
  for (const cell of document.querySelectorAll(".heat-cell[data-heat]")) {
    cell.style.setProperty("--heat", `${cell.dataset.heat}%`);
  }
  for (const box of document.querySelectorAll(".chart-box[data-bars]")) {
    box.style.setProperty("--bars", box.dataset.bars);
  }

  const source = document.getElementById("report-data");
  if (!source || typeof Chart !== "function") return;
  const data = JSON.parse(source.textContent);
  const style = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  const palette = [colour("--brand", "#0b4f9c"), colour("--accent", "#b3261e"),
    colour("--ok", "#1b6e32"), colour("--warn", "#8a4b00"), "#6b4fa0", colour("--muted", "#44546a")];
  // Series with a meaning keep their colour everywhere: good is green, bad is red.
  const seriesColours = {
    very_satisfied: colour("--ok", "#1b6e32"), satisfied: "#6aa77a", neutral: "#9aa8ba",
    unsatisfied: colour("--accent", "#b3261e"), early: colour("--ok", "#1b6e32"),
    on_time: colour("--brand", "#0b4f9c"), late: colour("--accent", "#b3261e"),
    wait_p90: "#7fa7d6", service_p90: "#7fa7d6", no_show_rate: colour("--accent", "#b3261e"),
    transfer_rate: colour("--warn", "#8a4b00"), completed: colour("--ok", "#1b6e32"),
    checked_in: colour("--ok", "#1b6e32"), no_show: colour("--warn", "#8a4b00"),
    through_api: "#7fa7d6",
  };
  const numbers = new Intl.NumberFormat(data.lang === "en" ? "en-GB" : "vi-VN",
    { maximumFractionDigits: 1 });

  Chart.defaults.font.family = style.fontFamily;
  Chart.defaults.color = colour("--ink", "#10243e");
  Chart.defaults.animation = false; // the page is read, not watched: draw at once

  function draw(canvas, table, chart) {
    const index = (key) => table.columns.findIndex((c) => c.key === key);
    const labelAt = index(chart.label);
    const datasets = chart.series.map((key, i) => {
      const at = index(key);
      return {
        label: table.columns[at].label,
        data: table.rows.map((row) => row[at]),
        backgroundColor: seriesColours[key] || palette[i % palette.length],
        borderColor: seriesColours[key] || palette[i % palette.length],
        borderWidth: chart.kind === "line" ? 2 : 0,
        pointRadius: chart.kind === "line" && table.rows.length > 60 ? 0 : 2,
        borderRadius: 2,
      };
    });
    const counts = chart.series.every((key) => table.columns[index(key)].kind === "count");
    const valueAxis = {
      beginAtZero: true,
      ticks: { callback: (value) => numbers.format(value), precision: counts ? 0 : undefined },
      stacked: chart.kind === "stacked",
    };
    const labelAxis = { stacked: chart.kind === "stacked", ticks: { autoSkip: true } };
    return new Chart(canvas, {
      type: chart.kind === "line" ? "line" : "bar",
      data: { labels: table.rows.map((row) => row[labelAt]), datasets },
      options: {
        indexAxis: chart.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${item.raw === null ? "—" : numbers.format(item.raw)}`,
            },
          },
        },
        scales: chart.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      },
    });
  }

  for (const table of data.tables) {
    const section = document.querySelector(`[data-table="${table.key}"]`);
    if (!section || table.rows.length === 0) continue;
    table.charts.forEach((chart, position) => {
      const canvas = section.querySelector(`canvas[data-chart="${position}"]`);
      if (canvas && chart.kind !== "heatmap") draw(canvas, table, chart);
    });
  }
  document.body.dataset.chartsDrawn = "true";
})();
