// The overview's live charts: the last five minutes from /api/stats/history, then one sample a
// second from /api/events. Each chart's element carries data-points (samples drawn), data-last
// (the newest values) and data-max (the largest drawn) so tests and scripts can see the charts move.
(function () {
  "use strict";
  var MAX = 300;
  var charts = [];
  var COLORS = ["#4f7a1c", "#c7711b", "#2f6db3", "#9b3aa6"];

  function build(el) {
    var series = el.dataset.series.split(",").map(function (s) {
      var p = s.split(":");
      return { field: p[0], label: p[1] };
    });
    var opts = {
      width: Math.max(300, el.clientWidth || 420),
      height: 190,
      legend: { show: true },
      scales: { x: { time: true } },
      series: [{}].concat(series.map(function (s, i) {
        return { label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true };
      })),
      axes: [{}, { size: 60 }]
    };
    var data = [[]].concat(series.map(function () { return []; }));
    var plot = new window.uPlot(opts, data, el);
    return { el: el, series: series, data: data, plot: plot };
  }

  function add(chart, sample) {
    chart.data[0].push(sample.time_millis / 1000);
    chart.series.forEach(function (s, i) {
      var v = sample[s.field];
      chart.data[i + 1].push(v === null || v === undefined ? null : v);
    });
    if (chart.data[0].length > MAX) {
      chart.data.forEach(function (a) { a.shift(); });
    }
  }

  function redraw(chart) {
    chart.plot.setData(chart.data);
    chart.el.dataset.points = String(chart.data[0].length);
    var last = {}, max = {};
    chart.series.forEach(function (s, i) {
      var a = chart.data[i + 1];
      last[s.field] = a.length ? a[a.length - 1] : null;
      max[s.field] = a.reduce(function (m, v) { return v !== null && (m === null || v > m) ? v : m; }, null);
    });
    chart.el.dataset.last = JSON.stringify(last);
    chart.el.dataset.max = JSON.stringify(max);
  }

  function start() {
    document.querySelectorAll(".chart-box").forEach(function (el) { charts.push(build(el)); });
    var status = document.getElementById("chart-status");
    fetch("/api/stats/history", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (h) {
        h.samples.forEach(function (s) { charts.forEach(function (c) { add(c, s); }); });
        charts.forEach(redraw);
        var source = new EventSource("/api/events?topics=stats");
        source.addEventListener("stats", function (e) {
          var s = JSON.parse(e.data);
          charts.forEach(function (c) { add(c, s); redraw(c); });
          status.textContent = "Live: one sample a second (last at "
            + new Date(s.time_millis).toLocaleTimeString() + ").";
        });
        source.onerror = function () { status.textContent = "Disconnected; retrying…"; };
      });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) {
        c.plot.setSize({ width: Math.max(300, c.el.clientWidth), height: 190 });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
