// Layout helpers for every page (loaded in <head>, before the body is parsed):
// - marks the document as scripted ("js" class) so the phone menu can start folded; without JavaScript it stays open;
// - the header's menu button folds and unfolds the navigation on narrow screens (aria-expanded, Escape closes);
// - a table box that scrolls sideways (.table-wrap) becomes a labelled, focusable region so a keyboard can scroll it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }

  function labelFor(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    for (var node = box; node && node !== document.body; node = node.parentElement) {
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (/^H[1-6]$/.test(sibling.tagName) && sibling.textContent.trim()) { return sibling.textContent.trim(); }
      }
    }
    return document.body.getAttribute("data-scroll-label") || "";
  }

  function markScrollBoxes() {
    var boxes = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-region", "");
        if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", labelFor(box));
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-region");
      }
    }
  }

  var pending = null;
  function later() {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(markScrollBoxes, 100);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    markScrollBoxes();
    document.body.addEventListener("htmx:afterSettle", markScrollBoxes);
    document.body.addEventListener("toggle", later, true);  // a <details> opened: its tables now have a width
  });
  window.addEventListener("resize", later);
})();
