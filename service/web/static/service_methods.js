// The service form shows the facts of the chosen method only: the groups of the other methods
// are hidden and disabled, so that nothing typed there is sent with the method chosen (the
// service would be refused for a fact its method does not record).
(function () {
  var form = document.getElementById("service-form");
  if (!form) return;
  var method = form.querySelector("select[name=method]");
  function show() {
    form.querySelectorAll("fieldset[data-methods]").forEach(function (group) {
      var shown = group.dataset.methods.split(" ").indexOf(method.value) >= 0;
      group.hidden = !shown;
      group.disabled = !shown;
    });
  }
  method.addEventListener("change", show);
  show();
})();
