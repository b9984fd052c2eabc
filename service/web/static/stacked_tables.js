// On a phone a list table reads as one card a row: each cell is labelled with its column's
// heading, which the stylesheet shows before the value once the table is marked "stacked".
// Without this script the table keeps its columns and scrolls sideways inside its card.
(function () {
  "use strict";
  function stack(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return; }
    var labels = [];
    Array.prototype.forEach.call(head.rows[0].cells, function (cell) {
      for (var span = 0; span < (cell.colSpan || 1); span += 1) {
        labels.push(cell.textContent.replace(/\s+/g, " ").trim());
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && labels[column]) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("stacked");
  }
  function stackAll() {
    Array.prototype.forEach.call(document.querySelectorAll("main table.list"), stack);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", stackAll);
  } else {
    stackAll();
  }
}());
