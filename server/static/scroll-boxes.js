// Pictures and tables scroll in boxes of their own, which the markup makes tab stops, so that without
// this script the keyboard can still scroll them. Here a box stays a tab stop only while what it holds
// overflows it: where all of it shows (or the box is folded away), the stop would lead nowhere. A box
// changing size (the window resized, a folded table opened) re-decides.
"use strict";

(function () {
  function decide(box) {
    if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  }
  // An observer tells a box's first size only when it is not zero: a folded one is decided here.
  const overflowWatch = new ResizeObserver((entries) => entries.forEach((entry) => decide(entry.target)));
  for (const box of document.querySelectorAll(".chart-scroll, .table-scroll")) {
    decide(box);
    overflowWatch.observe(box);
  }
})();
