// The home page's counts lead to the parts of the page that list what they count, each list a folded
// table: the one a count leads to opens. (Without this script, the reader opens it.)
"use strict";

(function () {
  function fragment() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (malformed) {  // a link ending in "#%": no part of the page is named so
      return location.hash.slice(1);
    }
  }

  function openTarget() {
    const target = document.getElementById(fragment());
    const part = target && target.closest("figure, section");
    const folded = part && part.querySelector("details");
    if (folded) folded.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
