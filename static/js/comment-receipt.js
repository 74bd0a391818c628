// The receipt page: note in this tab that the comment was sent (so the form, if someone
// comes Back to it, is emptied), and copy the private link with one press.
document.addEventListener("DOMContentLoaded", () => {
  const receipt = document.querySelector("[data-sent-consultation]");
  if (receipt) {
    const id = receipt.dataset.sentConsultation;
    window.sessionStorage.setItem(`sunshine:comment-sent:${id}`, "1");
    window.sessionStorage.removeItem(`sunshine:comment-draft:${id}`);
  }
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    const done = document.getElementById(button.dataset.copied);
    button.hidden = false;
    button.addEventListener("click", () => {
      field.select();
      const said = () => { if (done) done.textContent = done.dataset.text; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(said, () => document.execCommand("copy") && said());
      } else if (document.execCommand("copy")) {
        said();
      }
    });
  });
});
