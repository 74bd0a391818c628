// Staff pages: typing in a form keeps the sign-in alive, so a long draft is never lost to
// the idle limit. At most one light request every two minutes (sooner when the idle limit is
// short), only while someone types.
// If the sign-in has already ended, say so at once: the text stays in the form, and saving
// it leads through sign-in back to the form, filled in (the server keeps what was sent).
document.addEventListener("DOMContentLoaded", () => {
  const meta = document.querySelector('meta[name="keepalive-url"]');
  if (!meta) return;
  const every = Number(meta.dataset.every) || 2 * 60 * 1000;
  let last = Date.now();
  let warned = false;
  const token = () => {
    try {
      return JSON.parse(document.body.getAttribute("data-hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };
  const warn = () => {
    if (warned) return;
    warned = true;
    const notice = document.getElementById("session-ended");
    if (notice) {
      notice.hidden = false;
      notice.focus();
    }
  };
  document.addEventListener("input", (event) => {
    if (!event.target.closest('form[method="post"]')) return;
    if (Date.now() - last < every) return;
    last = Date.now();
    fetch(meta.content, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token() },
    })
      .then((response) => {
        if (response.status === 401) warn();
      })
      .catch(() => {}); // offline for a moment: the next keystroke tries again
  });
});
