// While a report build is queued or running, ask for its status every two seconds and reload the
// page once it is ready or has failed, so the download link (or the reason) appears by itself.
(function () {
  "use strict";
  const badges = document.querySelectorAll("[data-status-url]");
  if (!badges.length) return;
  function poll() {
    Promise.all(Array.from(badges).map(function (badge) {
      return fetch(badge.dataset.statusUrl, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data) badge.textContent = data.label;
          return data && (data.status === "ready" || data.status === "failed");
        })
        .catch(function () { return false; });
    })).then(function (finished) {
      if (finished.some(Boolean)) window.location.reload();
      else window.setTimeout(poll, 2000);
    });
  }
  window.setTimeout(poll, 1000);
})();
