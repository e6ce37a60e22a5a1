// The downloads of an answer whose query is too long for a link: their buttons POST the query to /sparql
// by a form, whose answer the browser may show instead of saving (JSON, Turtle), leaving the query page.
// Here the answer is fetched and saved under the name a link's download attribute would give it. Without
// this script, or when the request fails, the form is sent as it is.
"use strict";

(function () {
  const form = document.getElementById("downloads");
  if (!form || !window.fetch) return;
  for (const button of document.querySelectorAll('button[form="downloads"]')) {
    button.addEventListener("click", async (event) => {
      event.preventDefault();
      const body = new URLSearchParams(new FormData(form));
      body.set(button.name, button.value);
      let response;
      try {
        response = await fetch(form.action, { method: "POST", body: body });
      } catch (error) {
        response = null;
      }
      if (!response || !response.ok) {
        form.requestSubmit(button);  // the endpoint's own message, in the browser's tab
        return;
      }
      const saved = document.createElement("a");
      saved.href = URL.createObjectURL(await response.blob());
      saved.download = button.dataset.filename;
      saved.click();
      setTimeout(() => URL.revokeObjectURL(saved.href), 0);
    });
  }
})();
