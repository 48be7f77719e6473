// On a narrow screen each row of a table is a block of its cells, one under the other
// (unstuck.css, "Tables on a narrow screen"): label each cell with its column's header so that
// a figure still says what it is. Cells that carry a data-label of their own keep it.
(function () {
  "use strict";
  document.querySelectorAll("table").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) return;
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < cell.colSpan; i++) labels.push(cell.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (labels[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[column]);
          column += cell.colSpan;
        });
      });
    });
  });
})();
