// Check-in at the door: "Scan QR code" opens the back camera, jsQR (static/vendor/jsqr)
// reads each frame, and the code found goes through the same form as a typed one. Without
// JavaScript, a camera or the permission to use it, typing the code works as before.
// After a scan the page comes back with the result; the camera opens again by itself for
// the next person until someone stops it, and the code just sent is not sent again while
// it stays in front of the camera (for a few seconds).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("check-in-form");
  const start = document.getElementById("scan-start");
  const panel = document.getElementById("scanner");
  const video = document.getElementById("scan-video");
  const stop = document.getElementById("scan-stop");
  const status = document.getElementById("scan-status");
  if (!form || !start || !panel || !video || !stop || !status) return;
  if (typeof window.jsQR !== "function") return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  const input = form.querySelector('input[name="code"]');
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const KEEP_SCANNING = "check-in-scanning";
  const LAST_SENT = "check-in-last-code";
  const REPEAT_AFTER_MS = 8000;
  let stream = null;
  let sent = false;

  const say = (key) => {
    status.textContent = status.dataset[key] || "";
  };
  const remember = (scanning, code) => {
    try {
      if (scanning) {
        sessionStorage.setItem(KEEP_SCANNING, "1");
        sessionStorage.setItem(LAST_SENT, JSON.stringify({ code, at: Date.now() }));
      } else {
        sessionStorage.removeItem(KEEP_SCANNING);
      }
    } catch (error) {
      // private browsing without storage: the camera simply does not reopen by itself
    }
  };
  const justSent = (code) => {
    try {
      const last = JSON.parse(sessionStorage.getItem(LAST_SENT) || "null");
      return last !== null && last.code === code && Date.now() - last.at < REPEAT_AFTER_MS;
    } catch (error) {
      return false;
    }
  };
  const close = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    panel.hidden = true;
    start.hidden = false;
  };
  // The QR code holds the confirmation code (perhaps inside a link): take the code.
  const codeIn = (text) => {
    const match = /KF-?\d{4}-?\d{1,9}/i.exec(text);
    return match ? match[0] : text.trim();
  };
  const look = () => {
    if (!stream || sent) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      if (found && found.data && !justSent(codeIn(found.data))) {
        sent = true;
        input.value = codeIn(found.data);
        say("found");
        remember(true, input.value);
        close();
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
        return;
      }
    }
    requestAnimationFrame(look);
  };
  const open = () => {
    say("opening");
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then((opened) => {
        stream = opened;
        sent = false;
        video.srcObject = stream;
        panel.hidden = false;
        start.hidden = true;
        video.play().catch(() => {});
        say("looking");
        stop.focus();
        requestAnimationFrame(look);
      })
      .catch(() => {
        remember(false);
        close();
        say("unavailable");
        input.focus();
      });
  };

  start.hidden = false;
  start.addEventListener("click", open);
  stop.addEventListener("click", () => {
    remember(false);
    close();
    say("stopped");
    input.focus();
  });
  let again = false;
  try {
    again = sessionStorage.getItem(KEEP_SCANNING) === "1";
  } catch (error) {
    again = false;
  }
  if (again) open();
});
