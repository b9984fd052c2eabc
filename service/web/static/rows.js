// Adds an "添加一行" button under each list of repeated rows (officers, table lines).
// A new row is a copy of the last one with its inputs emptied and its index advanced.
document.querySelectorAll("ol.rows").forEach(function (list) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "add-row";
  button.textContent = "添加一行";
  button.addEventListener("click", function () {
    var rows = list.querySelectorAll(":scope > li");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var next = rows.length;
    copy.querySelectorAll("[name],[id],[for]").forEach(function (element) {
      ["name", "id", "for"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace(/-\d+-/, "-" + next + "-"));
      });
      if (element.tagName === "INPUT" && element.type === "checkbox") element.checked = false;
      else if ("value" in element && element.tagName !== "SELECT") element.value = "";
    });
    copy.querySelector(".row-number").textContent = "第" + (next + 1) + "项";
    list.appendChild(copy);
  });
  list.after(button);
});
