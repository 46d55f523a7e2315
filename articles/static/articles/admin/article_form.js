// The article form (templates/admin/articles/article/change_form.html): one language switch for every translated
// field, each language marked complete / incomplete / outdated as the editor types; the error summary focused and
// its links leading to fields in any language; a warning before leaving with unsaved changes.
"use strict";
(function () {
  function languageOf(row, fields, languages) {
    for (const field of fields) {
      for (const code of languages) {
        if (row.classList.contains("field-" + field + "_" + code)) {
          return code;
        }
      }
    }
    return null;
  }

  function setUpLanguageSwitch(form, switcher) {
    const buttons = Array.from(switcher.querySelectorAll("button[data-language]"));
    const languages = buttons.map(function (button) { return button.dataset.language; });
    const fields = switcher.dataset.fields.split(" ").filter(Boolean);
    const required = switcher.dataset.required.split(" ").filter(Boolean);
    const rows = new Map();  // form row -> its language
    form.querySelectorAll(".form-row").forEach(function (row) {
      const code = languageOf(row, fields, languages);
      if (code) {
        rows.set(row, code);
      }
    });

    function show(code) {
      rows.forEach(function (language, row) {
        row.classList.toggle("language-hidden", language !== code);
      });
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.language === code));
      });
      form.dataset.language = code;
    }

    function filled(field, code) {
      const input = form.elements.namedItem(field + "_" + code);
      if (input && "value" in input) {
        return input.value.trim() !== "";
      }
      // A read-only field (a translator's other languages) shows its value as text.
      const shown = form.querySelector(".field-" + field + "_" + code + " .readonly");
      return Boolean(shown && shown.textContent.trim() && shown.textContent.trim() !== "-");
    }

    function refreshState(button) {
      const code = button.dataset.language;
      const saved = button.dataset.savedState || button.dataset.state;
      button.dataset.savedState = saved;
      const complete = required.every(function (field) { return filled(field, code); });
      const state = !complete ? "incomplete" : (saved === "outdated" ? "outdated" : "complete");
      button.dataset.state = state;
      button.querySelector(".language-state").textContent = switcher.dataset["label" + state[0].toUpperCase() + state.slice(1)];
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () { show(button.dataset.language); });
      refreshState(button);
    });
    form.addEventListener("input", function (event) {
      const name = event.target.name || "";
      buttons.forEach(function (button) {
        if (name.endsWith("_" + button.dataset.language)) {
          refreshState(button);
        }
      });
    });
    switcher.hidden = false;
    // Start in the language of the first field with an error, else the one the server chose (a translator's).
    const invalid = Array.from(rows.keys()).find(function (row) { return row.querySelector(".errorlist"); });
    const chosen = buttons.find(function (button) { return button.getAttribute("aria-pressed") === "true"; });
    show(invalid ? rows.get(invalid) : (chosen ? chosen.dataset.language : languages[0]));
    return function reveal(element) {
      const row = element.closest(".form-row");
      if (row && rows.has(row)) {
        show(rows.get(row));
      }
    };
  }

  function setUpErrorSummary(summary, reveal) {
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) {
        return;
      }
      event.preventDefault();
      reveal(target);
      target.scrollIntoView({block: "center"});
      target.focus({preventScroll: true});
    });
    summary.focus();
    // Django's change_form.js, loaded asynchronously, focuses the first field of an add form: the summary
    // comes first, unless the editor has moved on already.
    let interacted = false;
    ["pointerdown", "keydown"].forEach(function (type) {
      document.addEventListener(type, function () { interacted = true; }, {once: true, capture: true});
    });
    window.addEventListener("load", function () {
      if (!interacted) {
        summary.focus();
      }
    });
  }

  function setUpUnsavedWarning(form) {
    let saved = new FormData(form);
    let submitting = false;
    let edited = false;
    form.addEventListener("input", function () { edited = true; });
    form.addEventListener("change", function () { edited = true; });
    // Once the other scripts of the form (inlines, widgets) have set it up, what is there counts as saved,
    // unless the editor has already changed something.
    window.addEventListener("load", function () {
      if (!edited) {
        saved = new FormData(form);
      }
    });

    function changed() {
      const now = new FormData(form);
      const keys = new Set(Array.from(saved.keys()).concat(Array.from(now.keys())));
      for (const key of keys) {
        const before = saved.getAll(key);
        const after = now.getAll(key);
        if (before.length !== after.length) {
          return true;
        }
        for (let index = 0; index < before.length; index++) {
          const was = before[index];
          const is = after[index];
          if (was instanceof File || is instanceof File) {
            if (!(was instanceof File && is instanceof File && was.name === is.name && was.size === is.size)) {
              return true;
            }
          } else if (was !== is) {
            return true;
          }
        }
      }
      return false;
    }

    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && changed()) {
        event.preventDefault();
        event.returnValue = "";  // older browsers ask for this to show their prompt
      }
    });
  }

  // Select2 (the author's search box) shows a combobox of its own, nameless until something is chosen: it gets
  // the name of the select it stands for, whenever Select2 makes one (on load, for each author added).
  function nameSearchBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete[aria-label]").forEach(function (select) {
      const name = select.getAttribute("aria-label");
      select.parentElement.querySelectorAll(
        ".select2-selection[role=combobox], .select2-selection__rendered, .select2-search__field"
      )
        .forEach(function (box) {
          if (box.getAttribute("aria-label") !== name) {
            box.setAttribute("aria-label", name);
          }
        });
    });
  }

  function watchSearchBoxes() {
    // The authors' inline, and each form row with a search box of its own (the tags).
    const rows = Array.from(document.querySelectorAll(".form-row")).filter(function (row) {
      return row.querySelector("select.admin-autocomplete");
    });
    Array.from(document.querySelectorAll(".inline-group")).concat(rows).forEach(function (group) {
      nameSearchBoxes(group);
      new MutationObserver(function () { nameSearchBoxes(group); }).observe(group, {childList: true, subtree: true});
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("article_form");
    if (!form) {
      return;
    }
    const switcher = form.querySelector(".language-switch");
    const reveal = switcher ? setUpLanguageSwitch(form, switcher) : function () {};
    const summary = document.getElementById("error-summary");
    if (summary) {
      setUpErrorSummary(summary, reveal);
    }
    setUpUnsavedWarning(form);
    watchSearchBoxes();
  });
})();
