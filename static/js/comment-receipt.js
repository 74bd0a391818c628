// The receipt page: note in this tab that the comment was sent (so the form, if someone
// comes Back to it, is emptied). Copying the private link is copy-link.js.
document.addEventListener("DOMContentLoaded", () => {
  const receipt = document.querySelector("[data-sent-consultation]");
  if (receipt) {
    const id = receipt.dataset.sentConsultation;
    window.sessionStorage.setItem(`sunshine:comment-sent:${id}`, "1");
    window.sessionStorage.removeItem(`sunshine:comment-draft:${id}`);
  }
});
