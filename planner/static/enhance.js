// Small progressive enhancements, loaded as a file (the Content-Security-Policy allows no inline
// script). Without JavaScript every page still works: links stay selectable, errors are listed.
// Pages are swapped in by htmx (hx-boost), so the work runs on every htmx:load as well as once.
(function () {
  "use strict";
  // The page's words for what this script says (planner/web/js_words.py), else English.
  var script = document.currentScript;
  var WORDS = JSON.parse((script && script.dataset.words) || "{}");
  function t(key, english) { return WORDS[key] || english; }

  // Copy and share buttons are in the page but hidden; shown only where the browser can do it.
  function reveal(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (navigator.clipboard && window.isSecureContext) { button.hidden = false; }
    });
    root.querySelectorAll("[data-share]").forEach(function (button) {
      if (navigator.share) { button.hidden = false; }
    });
  }

  // After a refused form, move focus to what says what went wrong: the error summary if the
  // page has one, else the form's message, else the first field marked invalid.
  function focusError(root) {
    var target = root.querySelector(".error-summary, .form-error, [aria-invalid='true']");
    if (!target || target.contains(document.activeElement)) { return; }
    if (!target.matches("input, select, textarea") && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: false });
  }

  function say(button, words) {
    var status = document.getElementById(button.getAttribute("aria-controls") || "");
    if (status) { status.textContent = words; }
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var text = document.getElementById(copy.dataset.copy).textContent.trim();
      navigator.clipboard.writeText(text).then(
        function () { say(copy, t("copied", "Copied. Paste it into a message or an email.")); },
        function () {
          say(copy, t("notCopied", "Could not copy. Select the link and copy it by hand."));
        });
      return;
    }
    var share = event.target.closest("[data-share]");
    if (share) {
      var url = document.getElementById(share.dataset.share).textContent.trim();
      navigator.share({ title: share.dataset.title || document.title, url: url })
        .catch(function () { /* closed without sharing: nothing to say */ });
    }
  });

  function enhance(root) { reveal(root); focusError(root); }

  // A refused or unsaved tap's message (#tick-error) is about that tap: once a later request
  // goes through, it is no longer true, and a message left standing would say it still is.
  document.addEventListener("htmx:afterRequest", function (event) {
    var box = document.getElementById("tick-error");
    var detail = event.detail;
    if (box && detail.successful && detail.target !== box && detail.xhr.status < 300) {
      box.textContent = "";
    }
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) {
    // htmx:load fires for the whole body on a boosted page change, and for each swapped part.
    enhance(event.target);
  });
})();
