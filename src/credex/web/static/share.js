// "Copy link" on credential pages: shown only when the browser can copy (the address stays
// visible and selectable in its field either way). No third-party code.
"use strict";
function say(element, key, english) {
  // The page's translation (a data-say-* attribute written through gettext), else English.
  return (element && element.getAttribute("data-say-" + key)) || english;
}
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.querySelector(".copy-status");
  if (!field || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () { status.textContent = say(status, "copied", "Link copied."); },
      function () { field.select(); status.textContent = say(status, "select", "Select the address and copy it."); }
    );
  });
});
