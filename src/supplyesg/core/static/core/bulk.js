// Bulk bars on lists: "select all on this page", "all N matching the filter" and the live count.
// A bar is a <form data-bulk id="..."> whose row checkboxes live in the table with form="<that id>".
(function () {
  "use strict";
  function setUp(form) {
    var rows = function () {
      return Array.prototype.slice.call(document.querySelectorAll('input[name="ids"][form="' + form.id + '"]'));
    };
    var page = form.querySelector("[data-bulk-page]");
    var all = form.querySelector("[data-bulk-all]");
    var count = form.querySelector("[data-bulk-count]");
    var buttons = form.querySelectorAll("button[data-bulk-action]");
    function update() {
      var ticked = rows().filter(function (box) { return box.checked; }).length;
      var none = ticked === 0 && !(all && all.checked);
      if (count) {
        count.textContent = all && all.checked
          ? count.dataset.templateAll
          : count.dataset.template.replace("__N__", String(ticked));
      }
      if (page) {
        page.checked = ticked > 0 && ticked === rows().length;
        page.indeterminate = ticked > 0 && ticked < rows().length;
      }
      buttons.forEach(function (button) { button.disabled = none; });
    }
    if (page) {
      page.addEventListener("change", function () {
        rows().forEach(function (box) { box.checked = page.checked; });
        if (!page.checked && all) { all.checked = false; }
        update();
      });
    }
    if (all) {
      all.addEventListener("change", function () {
        if (all.checked) { rows().forEach(function (box) { box.checked = true; }); }
        update();
      });
    }
    document.addEventListener("change", function (event) {
      if (event.target.name === "ids" && event.target.getAttribute("form") === form.id) {
        if (!event.target.checked && all) { all.checked = false; }
        update();
      }
    });
    update();
  }
  function init() {
    document.querySelectorAll("form[data-bulk]:not([data-bulk-ready])").forEach(function (form) {
      form.setAttribute("data-bulk-ready", "");
      setUp(form);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
  // A list filtered with htmx swaps in a new bar and new rows.
  document.addEventListener("htmx:afterSettle", init);
})();
