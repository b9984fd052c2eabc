// Repeated rows (officers, table lines): an "添加一行" button under each list, and a button
// in each row that removes it. A new row is a copy of the last one with its inputs emptied;
// after a removal the rows are numbered again from 0, as the server reads them. A list keeps
// at least the rows its form requires (data-min), and one row to copy from.
(function () {
  var script = document.currentScript;
  var TEXT = {
    add: (script && script.dataset.textAdd) || "添加一行",
    remove: (script && script.dataset.textRemove) || "删除此行",
  };

  function rowsOf(list) {
    return list.querySelectorAll(":scope > li");
  }

  // Give the row's fields the index it now has: officers-3-name becomes officers-2-name.
  function renumber(row, index) {
    row.querySelectorAll("[name],[id],[for],[aria-controls]").forEach(function (element) {
      ["name", "id", "for", "aria-controls"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace(/-\d+-/, "-" + index + "-"));
      });
    });
    // The page wrote the row's number in its language (第1项, Item 1): only the digits change.
    var number = row.querySelector(".row-number");
    if (number) number.textContent = number.textContent.replace(/\d+/, String(index + 1));
    var remove = row.querySelector(".remove-row");
    if (remove) remove.setAttribute("aria-label", TEXT.remove + (number ? " " + number.textContent : ""));
  }

  function limits(list) {
    var least = parseInt(list.dataset.min || "0", 10) || 0;
    var most = parseInt(list.dataset.max || "0", 10) || Infinity;
    return { least: Math.max(least, 1), most: most };
  }

  function refresh(list, add) {
    var rows = rowsOf(list);
    var bounds = limits(list);
    rows.forEach(function (row, index) {
      renumber(row, index);
      row.querySelector(".remove-row").disabled = rows.length <= bounds.least;
    });
    add.disabled = rows.length >= bounds.most;
  }

  // Something changed in the form: totals, conditions and the kept draft follow it.
  function changed(list) {
    list.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function removeButton() {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "remove-row";
    button.textContent = TEXT.remove;
    return button;
  }

  document.querySelectorAll("ol.rows").forEach(function (list) {
    var add = document.createElement("button");
    add.type = "button";
    add.className = "add-row";
    add.textContent = TEXT.add;
    rowsOf(list).forEach(function (row) {
      row.appendChild(removeButton());
    });

    add.addEventListener("click", function () {
      var rows = rowsOf(list);
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll(".picker").forEach(function (element) {
        element.remove(); // a copied list of suggestions belongs to the row copied
      });
      copy.querySelectorAll("input,select,textarea").forEach(function (element) {
        if (element.type === "checkbox" || element.type === "radio") element.checked = false;
        else if (element.tagName === "SELECT") element.selectedIndex = 0;
        else element.value = "";
        element.setAttribute("aria-invalid", "false");
      });
      copy.querySelectorAll(".error").forEach(function (element) {
        element.remove();
      });
      list.appendChild(copy);
      refresh(list, add);
      var first = copy.querySelector("input,select,textarea");
      if (first) first.focus();
      changed(list);
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest(".remove-row");
      if (!button || button.disabled) return;
      var row = button.closest("li");
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      refresh(list, add);
      // The focus goes on to the row that took its place, or to the add button.
      var focus = next && next.querySelector("input,select,textarea");
      (focus || add).focus();
      changed(list);
    });

    list.after(add);
    refresh(list, add);
  });
})();
