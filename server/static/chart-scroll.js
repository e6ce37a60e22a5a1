// The home page's pictures scroll sideways in boxes that the markup makes tab stops, so that without this
// script the keyboard can still scroll them. Here a box stays a tab stop only while its picture overflows
// it: where the whole picture shows, the stop would lead nowhere. Resizing the window re-decides.
"use strict";

(function () {
  const overflowWatch = new ResizeObserver((entries) => {
    for (const { target: box } of entries) {
      if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
      else box.removeAttribute("tabindex");
    }
  });
  for (const box of document.querySelectorAll(".chart-scroll")) overflowWatch.observe(box);
})();
