// A "copy" button beside a read-only field with a link: shown only with JavaScript (the
// field itself can be selected and copied without it); says "Copied." where it is told.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    const done = document.getElementById(button.dataset.copied);
    button.hidden = false;
    button.addEventListener("click", () => {
      field.select();
      const said = () => {
        document.querySelectorAll("[data-copied-note]").forEach((note) => { note.textContent = ""; });
        if (done) done.textContent = done.dataset.text;
      };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(said, () => document.execCommand("copy") && said());
      } else if (document.execCommand("copy")) {
        said();
      }
    });
  });
});
