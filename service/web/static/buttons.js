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
