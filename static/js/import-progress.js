// The import job page: polls the job's JSON status and updates the progress bar and counts until it finishes.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";
  var section = document.getElementById("import-job");
  if (!section || !window.fetch) return;
  var url = section.getAttribute("data-status-url");
  var progress = document.getElementById("import-progress");

  function show(state) {
    section.querySelectorAll("[data-field]").forEach(function (node) {
      var value = state[node.getAttribute("data-field")];
      node.textContent = value === null || value === undefined ? "…" : value;
    });
    if (state.total_rows) progress.max = state.total_rows;
    progress.value = state.processed_rows;
    progress.textContent = state.processed_rows;
    var errors = section.querySelector("[data-show=error_file_url]");
    if (state.error_file_url) {
      errors.hidden = false;
      errors.querySelector("a").href = state.error_file_url;
    }
    var badge = section.querySelector("[data-field=status_label]");
    badge.className = "badge status-" + state.status;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) return;
        show(state);
        if (!state.finished) window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
