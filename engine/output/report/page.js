// The report's only script, inline in the page: draws the timeline from #timeline-data and
// filters and folds the hosts. The page's Content-Security-Policy lets it load nothing.
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var STATUS = ["ok", data.check ? "would change" : "changed", "failed", "unreachable", "skipped", "failed (ignored)"];
  var rowsEl = document.getElementById("timeline-rows");
  var byHost = data.hosts.map(function () { return []; });
  data.results.forEach(function (r) { byHost[r[0]].push(r); });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function pct(ms) { return (ms / data.spanMs) * 100 + "%"; }
  function fmt(ms) {
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  function nameOf(r) { return r.length > 5 ? r[5] : data.tasks[r[1]][0]; }
  function bar(r) {
    var b = el("i", "bar s" + r[4]);
    // a task that ends the run would otherwise sit just past the track's right edge
    b.style.left = "min(" + pct(r[2]) + ", calc(100% - 2px))";
    b.style.width = pct(r[3]);
    b.title = nameOf(r) + "\n" + STATUS[r[4]] + ", " + fmt(r[3]) + " (from " + fmt(r[2]) + ")" + (data.tasks[r[1]][1] ? "\n" + data.tasks[r[1]][1] : "");
    return b;
  }
  function track(results) {
    var t = el("span", "track");
    results.forEach(function (r) { t.appendChild(bar(r)); });
    return t;
  }
  function niceStep(span) {
    var raw = span / 8, power = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= raw) return steps[i] * power;
    return 10 * power;
  }

  var axis = el("div", "row axis");
  axis.appendChild(el("span", "", "host"));
  var ticks = el("span", "track");
  var step = niceStep(data.spanMs);
  for (var at = 0; at <= data.spanMs; at += step) {
    var tick = el("span", "tick", fmt(at));
    tick.style.left = pct(at);
    ticks.appendChild(tick);
  }
  axis.appendChild(ticks);
  axis.appendChild(el("span", "total", "busy"));
  rowsEl.appendChild(axis);

  var busy = byHost.map(function (rs) { return rs.reduce(function (sum, r) { return sum + r[3]; }, 0); });
  var slowest = busy.indexOf(Math.max.apply(null, busy.concat([0])));
  var hostRows = data.hosts.map(function (host, i) {
    var results = byHost[i];
    var details = el("details", "host" + (i === slowest && data.hosts.length > 1 ? " slowest" : ""));
    details.dataset.host = host;
    details.dataset.changed = results.some(function (r) { return r[4] === 1; }) ? "1" : "";
    details.dataset.failed = results.some(function (r) { return r[4] === 2 || r[4] === 3; }) ? "1" : "";
    var summary = el("summary", "row");
    var name = el("span", "hostname", host);
    name.title = host;
    summary.appendChild(name);
    summary.appendChild(track(results));
    var total = el("span", "total", fmt(busy[i]));
    if (i === slowest && data.hosts.length > 1) total.insertBefore(el("span", "flag", "slowest"), total.firstChild);
    summary.appendChild(total);
    details.appendChild(summary);
    // a host's task lines are made when it is first opened: 60 hosts of 100 tasks stay quick
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.drawn) return;
      details.dataset.drawn = "1";
      var list = el("div", "tasks");
      results.forEach(function (r) {
        var line = el("div", "row");
        var label = el("span", "name", nameOf(r));
        label.title = nameOf(r) + (data.tasks[r[1]][1] ? " (" + data.tasks[r[1]][1] + ")" : "");
        line.appendChild(label);
        line.appendChild(track([r]));
        line.appendChild(el("span", "total", STATUS[r[4]] === "skipped" ? "skipped" : fmt(r[3])));
        list.appendChild(line);
      });
      details.appendChild(list);
    });
    rowsEl.appendChild(details);
    return details;
  });
  // a few hosts are read task by task; many are scanned row by row first
  if (data.hosts.length <= 3) hostRows.forEach(function (d) { d.open = true; });

  var filter = document.getElementById("host-filter");
  var show = document.getElementById("host-show");
  var shown = document.getElementById("hosts-shown");
  var recapRows = Array.prototype.slice.call(document.querySelectorAll("#recap tr[data-host]"));
  function matcher(text) {
    var words = text.trim().split(/[\s,]+/).filter(Boolean);
    if (words.length === 0) return function () { return true; };
    var patterns = words.map(function (w) {
      var re = w.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
      return new RegExp(w.indexOf("*") >= 0 ? "^" + re + "$" : re, "i");
    });
    return function (host) { return patterns.some(function (p) { return p.test(host); }); };
  }
  function apply() {
    var matches = matcher(filter.value);
    var want = show.value;
    var count = 0;
    var visible = {};
    hostRows.forEach(function (d) {
      var ok = matches(d.dataset.host) && (want === "all" || d.dataset[want] === "1");
      d.hidden = !ok;
      if (ok) count++, (visible[d.dataset.host] = true);
    });
    recapRows.forEach(function (tr) { tr.hidden = !visible[tr.dataset.host]; });
    shown.textContent = "showing " + count + " of " + hostRows.length + " hosts";
  }
  filter.addEventListener("input", apply);
  show.addEventListener("change", apply);
  document.getElementById("expand-all").addEventListener("click", function () { hostRows.forEach(function (d) { if (!d.hidden) d.open = true; }); });
  document.getElementById("collapse-all").addEventListener("click", function () { hostRows.forEach(function (d) { d.open = false; }); });
  apply();
})();
