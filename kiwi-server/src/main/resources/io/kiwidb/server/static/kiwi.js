// Small behaviours shared by the dashboard pages (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (form && form.id === "term-form") {
      var input = document.getElementById("term-line");
      if (input) { input.value = ""; input.focus(); }
      var out = document.getElementById("term-output");
      if (out) { out.scrollTop = out.scrollHeight; }
    }
  });
  // Terminal history: arrow keys walk through the lines typed on this page.
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("term-line");
    if (!input) { return; }
    var history = [], pos = 0;
    input.form.addEventListener("htmx:beforeRequest", function () {
      if (input.value.trim() !== "") { history.push(input.value); }
      pos = history.length;
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowUp" && pos > 0) { pos--; input.value = history[pos]; ev.preventDefault(); }
      if (ev.key === "ArrowDown") {
        pos = Math.min(history.length, pos + 1);
        input.value = pos < history.length ? history[pos] : "";
        ev.preventDefault();
      }
    });
  });
})();
