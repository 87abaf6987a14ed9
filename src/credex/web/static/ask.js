// Waits for a wallet's answer: polls the request's state and reloads the page when it is
// answered or expired (the server renders the report). No third-party code.
"use strict";
function say(element, key, english) {
  // The page's translation (a data-say-* attribute written through gettext), else English.
  return (element && element.getAttribute("data-say-" + key)) || english;
}
(function () {
  var box = document.querySelector("[data-poll]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-poll");
  var status = box.querySelector(".ask__status");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.state && body.state !== "pending") {
          status.textContent = say(status, "answered", "The wallet answered. Showing the report…");
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
