// Buttons that ask before they act (data-confirm="question") and buttons that print the page
// (data-print). They are wired here, not in onclick attributes, because the
// Content-Security-Policy runs no inline script; a question in a data attribute is also
// plain text, where inside onclick a quote in a 文号 would have been code.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm], button[data-print]");
  if (!button) return;
  if (button.hasAttribute("data-print")) {
    window.print();
  } else if (!window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// Enter in a one-line field of a form that records something submits nothing: a clerk
// pressing Enter to end a line must not issue a document. The forms' first, disabled submit
// button already stops it where present; this covers every other posting form. Textareas
// keep Enter for new lines, an input method's Enter still picks its characters, and a
// sign-in or password form (one with a password field) keeps Enter as its way to submit.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || event.isComposing) return;
  var field = event.target;
  if (!(field instanceof HTMLInputElement) || !field.form) return;
  if (["submit", "button", "reset", "image", "file"].indexOf(field.type) >= 0) return;
  var form = field.form;
  if (form.method !== "post" || form.querySelector("input[type=password]")) return;
  event.preventDefault();
});

// A form marked data-submit-once posts once: a second click while the confirmation is on
// its way would take a second number for the same facts. The flag is dropped when the page
// is shown again from the browser's history.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-submit-once")) return;
  if (form.dataset.submitted) event.preventDefault();
  else form.dataset.submitted = "yes";
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    delete form.dataset.submitted;
  });
});
