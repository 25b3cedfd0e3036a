// The live log view: log lines from /api/events (relayed from the engine's log broadcast),
// filtered by level in the page.
(function () {
  "use strict";
  var ORDER = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
  var MAX_LINES = 2000;
  var box = document.getElementById("log-lines");
  var status = document.getElementById("log-status");
  var levelSelect = document.getElementById("log-level");
  var follow = document.getElementById("log-follow");
  var received = 0;

  function minLevel() { return ORDER[levelSelect.value] || 0; }
  function applyFilter(line) {
    line.hidden = (ORDER[line.dataset.level] || 0) < minLevel();
  }
  levelSelect.value = "INFO";
  levelSelect.addEventListener("change", function () {
    box.querySelectorAll(".log-line").forEach(applyFilter);
  });
  document.getElementById("log-clear").addEventListener("click", function () {
    box.textContent = "";
  });

  var source = new EventSource("/api/events?topics=log");
  source.addEventListener("hello", function (e) {
    var h = JSON.parse(e.data);
    status.textContent = h.log_socket
      ? "live: engine log socket " + h.log_socket + " (relay " + h.log_relay + ")"
      : h.log_port === 0
        ? "the engine's log broadcast is off (log_broadcast=off or log_broadcast_enabled=false)"
        : "live: engine log port " + h.log_port + " (relay " + h.log_relay + ")";
    status.dataset.state = "open";
  });
  source.addEventListener("log", function (e) {
    var m = JSON.parse(e.data);
    var div = document.createElement("div");
    div.className = "log-line lvl-" + m.level + (m.backlog ? " backlog" : "");
    div.dataset.level = m.level;
    div.textContent = m.line;
    applyFilter(div);
    box.appendChild(div);
    received++;
    box.dataset.received = String(received);
    while (box.childElementCount > MAX_LINES) { box.removeChild(box.firstChild); }
    if (follow.checked) { box.scrollTop = box.scrollHeight; }
  });
  source.addEventListener("dropped", function (e) {
    var div = document.createElement("div");
    div.className = "log-line lvl-WARN";
    div.dataset.level = "WARN";
    div.textContent = "(" + JSON.parse(e.data).events + " events dropped: this page fell behind)";
    box.appendChild(div);
  });
  source.onerror = function () {
    status.textContent = "disconnected; retrying…";
    status.dataset.state = "error";
  };
})();
