// The batch form shows only the part of the recipients that applies: the table to upload, or
// the units of the directory and, for those, only the choice the chosen scope needs. Choosing
// another kind opens its form at once.
(function () {
  var kind = document.querySelector("form.batch-kind select[name=kind]");
  if (kind) kind.addEventListener("change", function () { if (kind.value) kind.form.submit(); });
  var form = document.getElementById("batch-form");
  if (!form) return;
  function show() {
    var source = form.querySelector("input[name=source]:checked");
    form.querySelectorAll("[data-source]").forEach(function (part) {
      part.hidden = !source || part.dataset.source !== source.value;
    });
    var scope = form.querySelector("select[name=scope]");
    form.querySelectorAll("[data-scope]").forEach(function (part) {
      part.hidden = !scope || part.dataset.scope !== scope.value;
    });
  }
  form.addEventListener("change", show);
  show();
})();
