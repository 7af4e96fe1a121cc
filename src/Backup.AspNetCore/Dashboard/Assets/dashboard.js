// Backup.AspNetCore dashboard: the one thing that needs script is live progress.
// Every element with data-refresh-url is replaced by that fragment every two seconds.
(function () {
  "use strict";
  function refresh(element) {
    fetch(element.getAttribute("data-refresh-url"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { element.innerHTML = html; } })
      .catch(function () { /* the next tick tries again */ });
  }
  document.querySelectorAll("[data-refresh-url]").forEach(function (element) {
    setInterval(function () { refresh(element); }, 2000);
  });
})();
