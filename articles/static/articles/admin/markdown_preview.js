// A live preview under each Markdown field (body_xx, bio_xx) of the article and author forms.
// The server renders and sanitises (articles/markdown.py), so what is shown is what the page will show.
"use strict";
(function () {
  const FIELD = /^(body|bio)_([a-z]{2,3}(?:_[a-z]+)?)$/;

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    const match = FIELD.exec(textarea.name);
    if (!match || !textarea.form) {
      return;
    }
    const preview = document.createElement("div");
    preview.className = "markdown-preview";
    preview.setAttribute("lang", match[2].replace("_", "-"));
    preview.setAttribute("aria-live", "polite");
    preview.dataset.field = textarea.name;
    textarea.insertAdjacentElement("afterend", preview);
    const url = window.location.pathname.replace(/\/(add|\d+\/change)\/$/, "/") + "preview-markdown/";
    let timer = null;
    let sent = 0;

    function refresh() {
      const number = ++sent;
      const body = new URLSearchParams({text: textarea.value, language: match[2]});
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrfToken(textarea.form)},
      }).then(function (response) {
        return response.text().then(function (text) {
          if (number !== sent) {
            return;  // an older answer arriving after a newer one
          }
          preview.classList.toggle("markdown-preview-error", !response.ok);
          if (response.ok) {
            preview.innerHTML = text;  // sanitised by the server's allowlist
          } else {
            preview.textContent = text;
          }
        });
      });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea").forEach(attach);
  });
})();
