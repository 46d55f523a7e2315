// A live preview under each Markdown field (body_xx, bio_xx) of the article and author forms.
// The server renders and sanitises (articles/markdown/), and the preview is a small page of its own that reads
// the site's stylesheet (the textarea's data-preview-stylesheet), so what is shown is what the page will show,
// untouched by the admin's styles. The frame is sandboxed: no script runs in it.
"use strict";
(function () {
  const FIELD = /^(body|bio)_([a-z]{2,3}(?:_[a-z]+)?)$/;

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function escapeAttribute(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function previewDocument(html, language, kind, stylesheet) {
    const lang = escapeAttribute(language);
    return "<!DOCTYPE html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\">" +
      "<link rel=\"stylesheet\" href=\"" + escapeAttribute(stylesheet) + "\"><base target=\"_blank\"></head>" +
      "<body><main><div class=\"" + kind + "\" lang=\"" + lang + "\">" + html + "</div></main></body></html>";
  }

  function attach(textarea) {
    const match = FIELD.exec(textarea.name);
    if (!match || !textarea.form) {
      return;
    }
    const language = match[2].replace("_", "-");
    const preview = document.createElement("div");
    preview.className = "markdown-preview";
    preview.setAttribute("aria-live", "polite");
    preview.dataset.field = textarea.name;
    const frame = document.createElement("iframe");
    frame.className = "markdown-preview-frame";
    frame.setAttribute("sandbox", "allow-same-origin");
    frame.title = textarea.dataset.previewTitle || "";
    const message = document.createElement("p");
    message.className = "markdown-preview-error";
    message.hidden = true;
    preview.append(frame, message);
    textarea.insertAdjacentElement("afterend", preview);
    const url = window.location.pathname.replace(/\/(add|\d+\/change)\/$/, "/") + "preview-markdown/";
    let timer = null;
    let sent = 0;

    function fitHeight() {
      const page = frame.contentDocument && frame.contentDocument.documentElement;
      if (page) {
        frame.style.height = page.scrollHeight + "px";
      }
    }
    frame.addEventListener("load", fitHeight);

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
          message.hidden = response.ok;
          frame.hidden = !response.ok;
          if (response.ok) {
            // Sanitised by the server's allowlist, shown in a frame where no script runs.
            frame.srcdoc = previewDocument(text, language, match[1], textarea.dataset.previewStylesheet || "");
          } else {
            message.textContent = text;
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
