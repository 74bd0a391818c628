// Shows how many characters are left in a textarea with data-maxlength-counter.
// Without JavaScript the limit is stated in the hint and enforced by the server.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-counter]").forEach((area) => {
    const output = document.getElementById(area.dataset.counter);
    const limit = Number(area.dataset.limit);
    const template = output.dataset.template;
    const update = () => {
      const left = limit - [...area.value].length; // characters, as the server counts
      output.textContent = template.replace("%d", String(left));
      output.classList.toggle("over-limit", left < 0);
    };
    area.addEventListener("input", update);
    output.hidden = false;
    update();
  });
});
