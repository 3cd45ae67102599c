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
  // A checkbox with data-check-all="NAME" ticks or clears every checkbox
  // named NAME in its form (choosing records from a list, e.g. batch PDFs).
  document.addEventListener("change", function (ev) {
    var box = ev.target;
    var name = box.getAttribute && box.getAttribute("data-check-all");
    if (!name || !box.form) { return; }
    box.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (c) {
      c.checked = box.checked;
    });
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
  // Personal data (issue 18): a[data-reveal] opens the purpose form in place;
  // submitting it shows the clear value instead of the masked one.  Without
  // JavaScript the link leads to the same form as a page.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-reveal]");
    if (!a) { return; }
    ev.preventDefault();
    var box = a.closest("[data-pii-box]");
    if (box.querySelector("form")) { return; }
    fetch(a.href, { headers: { "X-Qudao-Fragment": "1" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { a.insertAdjacentHTML("afterend", html); })
      .catch(function () { window.location.href = a.href; });
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-reveal-form") || !form.closest("[data-pii-box]")) { return; }
    ev.preventDefault();
    var box = form.closest("[data-pii-box]");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (p) {
        if (p[0]) {
          box.querySelector("[data-pii]").textContent = p[1].value;
          var link = box.querySelector("a[data-reveal]");
          if (link) { link.remove(); }
          form.remove();
        } else {
          form.querySelector("[data-reveal-error]").textContent = p[1].error || "";
        }
      })
      .catch(function () { form.submit(); });
  });
})();
