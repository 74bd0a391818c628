// The resident's comment form, made kinder with JavaScript (it works without):
// - a counter of characters left, counted as the server counts (an emoji is one); screen
//   readers hear it only after a pause in typing, not at every key;
// - after a refused send, focus lands on what went wrong (the page's address already
//   scrolls there without JavaScript);
// - the comment's text (never the name or contact details) is kept in this tab while it
//   is written, so leaving the page and coming back does not lose it;
// - once the comment is sent (the receipt page says so), coming Back finds the form empty:
//   the next person at a shared computer never sees the previous one's details.
document.addEventListener("DOMContentLoaded", () => {
  const result = document.getElementById("send-result");
  if (result && result.querySelector('[role="alert"]')) {
    result.focus();
  }

  document.querySelectorAll("textarea[data-counter]").forEach((area) => {
    const output = document.getElementById(area.dataset.counter);
    const announcer = document.getElementById(area.dataset.announce);
    const limit = Number(area.dataset.limit);
    let pause = null;
    let lastSaid = "";
    const message = () => {
      const left = limit - [...area.value].length;
      const template = left < 0 ? output.dataset.overTemplate : output.dataset.template;
      return { left, text: template.replace("%d", String(Math.abs(left))) };
    };
    const update = () => {
      const { left, text } = message();
      output.textContent = text;
      output.classList.toggle("over-limit", left < 0);
      clearTimeout(pause);
      pause = setTimeout(() => {
        // Only when it matters: near the limit or over it, and not the same words again.
        if (announcer && (left <= 500 || left < 0) && text !== lastSaid) {
          announcer.textContent = text;
          lastSaid = text;
        }
      }, 1500);
    };
    area.addEventListener("input", update);
    output.hidden = false;
    const { left, text } = message();
    output.textContent = text;
    output.classList.toggle("over-limit", left < 0);
  });

  document.querySelectorAll("form[data-comment-form]").forEach((form) => {
    const id = form.dataset.commentForm;
    const draftKey = `sunshine:comment-draft:${id}`;
    const body = form.querySelector("textarea[name=body]");
    const store = window.sessionStorage;
    if (body && !body.value && store.getItem(draftKey)) {
      body.value = store.getItem(draftKey);
      body.dispatchEvent(new Event("input"));
    }
    if (body) {
      body.addEventListener("input", () => store.setItem(draftKey, body.value));
    }
    window.addEventListener("pageshow", () => {
      if (store.getItem(`sunshine:comment-sent:${id}`)) {
        store.removeItem(`sunshine:comment-sent:${id}`);
        store.removeItem(draftKey);
        form.reset();
        form.querySelectorAll("input[type=text], input[type=tel], input[type=email], textarea")
          .forEach((field) => { field.value = ""; });
        if (body) body.dispatchEvent(new Event("input"));
      }
    });
  });
});
