// A photo import's page while it runs: reads the page again every two seconds and puts its new progress and
// results in place, until the import has finished. Without JavaScript the page refreshes itself (<noscript>).
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) return;

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { window.setTimeout(poll, 5000); return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("photo-import");
        var current = document.getElementById("photo-import");
        if (fresh && current) current.replaceWith(fresh);
        if (fresh && fresh.hasAttribute("data-refresh")) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
