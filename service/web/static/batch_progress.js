// The batch job page follows its job: every second it asks for the progress and shows it,
// until the job is finished (then the page is loaded again, with its copies) or stops.
(function () {
  var box = document.getElementById("batch-progress");
  if (!box || box.dataset.finished === "true") return;
  var first = null;
  // The page's words in its language, with {name} where a number goes.
  var texts = {
    count: box.dataset.textCount || "{done} / {total} 份",
    rate: box.dataset.textRate || "{rate} 份/秒，约剩 {seconds} 秒"
  };
  function words(name, values) {
    return texts[name].replace(/\{(\w+)\}/g, function (all, key) { return String(values[key]); });
  }
  function show(p) {
    var now = Date.now() / 1000;
    if (first === null || p.done < first.done) first = {done: p.done, at: now};
    document.getElementById("status-text").textContent = p.status_text;
    document.getElementById("done-total").textContent = words("count", {done: p.done, total: p.total});
    var bar = document.getElementById("bar");
    bar.max = Math.max(p.total, 1);
    bar.value = p.done;
    var rate = now > first.at ? (p.done - first.done) / (now - first.at) : 0;
    var text = "";
    if (rate > 0 && p.done < p.total) {
      text = words("rate", {rate: rate.toFixed(1), seconds: Math.ceil((p.total - p.done) / rate)});
    }
    document.getElementById("rate").textContent = text;
    var error = document.getElementById("error");
    error.textContent = p.error; error.hidden = !p.error;
    document.getElementById("resume").hidden = p.active || p.finished;
    document.getElementById("outputs").hidden = !p.finished;
    document.getElementById("leave-note").hidden = p.finished;
    return p.finished || !p.active;
  }
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (p) {
        // A finished job's page lists every copy's 文号: loaded again once, it shows them.
        if (p.finished) window.location.reload();
        else if (!show(p)) setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
