// /verify: a drop zone for files or dragged text/links, and QR scanning with the device camera
// through the browser's own BarcodeDetector (no third-party code). Without it, a plain message.
"use strict";
function say(element, key, english) {
  // The page's translation (a data-say-* attribute written through gettext), else English.
  return (element && element.getAttribute("data-say-" + key)) || english;
}
(function () {
  var zone = document.querySelector("[data-dropzone]");
  var form = zone && zone.closest("form");
  var text = document.getElementById("f-document");
  var file = document.getElementById("f-file");
  var chosen = zone && zone.querySelector(".dropzone__chosen");
  if (zone && text && file) {
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone--over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone--over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var data = event.dataTransfer;
      if (data.files && data.files.length) {
        file.files = data.files;
        chosen.textContent = say(chosen, "chosen", "Chosen:") + " " + data.files[0].name;
      } else {
        text.value = data.getData("text/uri-list") || data.getData("text/plain") || "";
        text.focus();
      }
    });
    file.addEventListener("change", function () {
      chosen.textContent = file.files.length
        ? say(chosen, "chosen", "Chosen:") + " " + file.files[0].name
        : "";
    });
  }

  var scan = document.querySelector("[data-scan]");
  if (!scan || !form) {
    return;
  }
  var start = scan.querySelector("[data-scan-start]");
  var video = scan.querySelector("[data-scan-video]");
  var status = scan.querySelector(".scan__status");
  scan.hidden = false;
  var supported = "BarcodeDetector" in window && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia;
  if (!supported) {
    start.hidden = true;
    status.textContent = say(status, "unsupported", "This browser cannot read QR codes here. " +
      "Scan the code with your phone's camera app, then paste the address it shows above.");
    return;
  }
  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(
      function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        status.textContent = say(status, "point", "Point the camera at the QR code.");
        function stop() {
          stream.getTracks().forEach(function (track) { track.stop(); });
          video.hidden = true;
        }
        function look() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              text.value = codes[0].rawValue;
              status.textContent = say(status, "read", "Code read. Verifying…");
              form.submit();
            } else {
              window.requestAnimationFrame(look);
            }
          }, function () { window.requestAnimationFrame(look); });
        }
        look();
      },
      function () {
        status.textContent = say(
          status, "camera", "The camera could not be used. Allow it, or paste the address instead."
        );
      }
    );
  });
})();
