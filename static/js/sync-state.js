// The product page's sync part: while the product waits for Alibaba.com, fetch the part again now and then and swap
// it in place (no reload), until it no longer waits. Without JavaScript the part offers a Refresh link instead.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) return;
  var FIRST_WAIT_MS = 3000, LONGEST_WAIT_MS = 20000;
  var wait = FIRST_WAIT_MS;

  function current() { return document.getElementById("sync-state"); }

  function schedule() {
    var part = current();
    if (!part || !part.getAttribute("data-refresh-url")) return;
    part.querySelectorAll(".refresh-link").forEach(function (link) { link.hidden = true; });
    window.setTimeout(refresh, wait);
    wait = Math.min(wait * 1.5, LONGEST_WAIT_MS);
  }

  function refresh() {
    var part = current();
    if (!part) return;
    if (document.hidden) { window.setTimeout(refresh, wait); return; }
    fetch(part.getAttribute("data-refresh-url"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { schedule(); return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("sync-state");
        if (!fresh) return;
        if (fresh.getAttribute("data-state") !== part.getAttribute("data-state")) {
          part.replaceWith(document.importNode(fresh, true));
          wait = FIRST_WAIT_MS;
        }
        schedule();
      })
      .catch(schedule);
  }

  schedule();
})();
