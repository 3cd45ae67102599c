// The record picker (core/web/pickers.py): every input.picker becomes a
// search-as-you-type box (vendored Tom Select) fed by its data-picker-url,
// a scoped JSON search.  The input keeps the chosen record's code, which is
// what the form posts; without JavaScript the user types the code.
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") { return; }
  document.querySelectorAll("input.picker[data-picker-url]").forEach(function (el) {
    var url = el.getAttribute("data-picker-url");
    var start = el.value ? [{ value: el.value, text: el.getAttribute("data-picker-text") || el.value }] : [];
    var empty = el.getAttribute("data-picker-empty") || "";
    var more = el.getAttribute("data-picker-more") || "";
    var ts = new TomSelect(el, {
      maxItems: 1,
      create: false,
      valueField: "value",
      labelField: "text",
      searchField: [],
      options: start,
      items: start.length ? [start[0].value] : [],
      preload: "focus",
      loadThrottle: 250,
      maxOptions: 50,
      closeAfterSelect: true,
      // The server has searched (code, name, phone …): show what it found
      // for this very text; until it answers, only the options whose label
      // holds the text (never the previous search's list).
      score: function (search) {
        var q = String(search || "").toLowerCase();
        return function (item) {
          return (item.q === search || !q || String(item.text).toLowerCase().indexOf(q) >= 0) ? 1 : 0;
        };
      },
      load: function (query, callback) {
        var self = this;
        var sep = url.indexOf("?") < 0 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(query),
              { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
          .then(function (j) {
            var keep = self.items.slice();
            Object.keys(self.options).forEach(function (v) {
              if (keep.indexOf(v) < 0) { self.removeOption(v); }
            });
            callback(j.results.map(function (r) { r.q = query; return r; }));
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return "<div class=\"no-results\">" + escapeHtml(empty) + "</div>"; },
        loading: function () { return "<div class=\"spinner\" aria-hidden=\"true\"></div>"; },
        option: function (d, esc) { return "<div>" + esc(d.text) + "</div>"; },
        item: function (d, esc) { return "<div>" + esc(d.text) + "</div>"; }
      },
      placeholder: el.getAttribute("placeholder") || more
    });
    // The field's label names the search box too.
    var label = el.id && document.querySelector("label[for=\"" + el.id + "\"]");
    if (label && ts.control_input) {
      ts.control_input.setAttribute("aria-label", label.textContent.trim());
    } else if (el.getAttribute("aria-label") && ts.control_input) {
      ts.control_input.setAttribute("aria-label", el.getAttribute("aria-label"));
    }
  });
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
})();
