// Nothing typed is lost: leaving a page whose form holds text not yet saved asks first
// (beforeunload), and each box with a limit shows how many characters it holds of how many.
// Loaded from static/ (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  const forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) return;
  let dirty = false;
  forms.forEach(function (form) {
    const boxes = form.querySelectorAll("textarea, input[type=text]");
    boxes.forEach(function (box) {
      const saved = box.value;
      box.addEventListener("input", function () {
        dirty = dirty || box.value !== saved;
      });
      const limit = parseInt(box.dataset.limit || "", 10);
      if (!limit) return;
      const count = document.createElement("p");
      count.className = "small text-muted mb-0 char-count";
      count.id = box.id + "-count";
      box.insertAdjacentElement("afterend", count);
      const describedBy = (box.getAttribute("aria-describedby") || "").split(" ");
      describedBy.push(count.id);
      box.setAttribute("aria-describedby", describedBy.join(" ").trim());
      function update() {
        const n = box.value.length;
        count.textContent = n.toLocaleString("en-GB") + " of " + limit.toLocaleString("en-GB") +
          " characters" + (n > limit ? ": too long, shorten it before saving" : "");
        count.classList.toggle("text-danger", n > limit);
        count.classList.toggle("text-muted", n <= limit);
      }
      box.addEventListener("input", update);
      update();
    });
    // Posting the form is not leaving it: the server saves the text or gives it back.
    form.addEventListener("submit", function () { dirty = false; });
  });
  // Text given back by the server (a refused or over-long post) is not saved yet either.
  if (document.querySelector("[data-unsaved-returned]")) dirty = true;
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
