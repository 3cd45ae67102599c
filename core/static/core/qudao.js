// Qudao page behaviour. Loaded as a file: the CSP forbids inline scripts.
(function () {
  "use strict";
  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("submit", function (ev) {
    var btn = ev.submitter;
    var msg = (btn && btn.getAttribute("data-confirm")) || ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });
  // Selects with data-autosubmit submit their form on change.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) { el.form.submit(); }
  });
  // Progress bars: <div data-progress-url="..."> polls a JSON {progress, status, message}.
  function poll(el) {
    var url = el.getAttribute("data-progress-url");
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var bar = el.querySelector(".progress > span");
        if (bar) { bar.style.width = (j.progress || 0) + "%"; }
        var txt = el.querySelector("[data-progress-text]");
        if (txt) { txt.textContent = (j.progress || 0) + "% " + (j.message || ""); }
        if (j.status === "done" || j.status === "failed") { window.location.reload(); }
        else { setTimeout(function () { poll(el); }, 1000); }
      })
      .catch(function () { setTimeout(function () { poll(el); }, 3000); });
  }
  document.querySelectorAll("[data-progress-url]").forEach(poll);
  // Widgets drawn after the page: <div data-fragment-url="..."> gets the HTML
  // fragment the URL answers; on failure its link to the widget's page stays.
  document.querySelectorAll("[data-fragment-url]").forEach(function (el) {
    el.setAttribute("aria-busy", "true");
    fetch(el.getAttribute("data-fragment-url"),
          { headers: { "X-Qudao-Fragment": "1" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { el.innerHTML = html; })
      .catch(function () {})
      .then(function () { el.removeAttribute("aria-busy"); });
  });
})();
