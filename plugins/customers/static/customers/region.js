/* The region picker (issue 21 #5): choosing a province offers its cities,
   choosing a city its counties, from the national division list the server
   sends (/customers/divisions.json).  Without this script the form still
   works: the server offers the cities and counties of what was chosen. */
(function () {
  "use strict";
  var box = document.querySelector(".cu-region[data-divisions]");
  if (!box) { return; }
  var sel = function (level) { return box.querySelector('select[data-region="' + level + '"]'); };
  var province = sel("province"), city = sel("city"), county = sel("county");
  if (!province || !city || !county) { return; }
  var tree = null;

  function fill(select, names) {
    var keep = select.value;
    var blank = select.options.length ? select.options[0].text : "—";
    while (select.options.length) { select.remove(0); }
    select.add(new Option(blank, ""));
    names.forEach(function (n) { select.add(new Option(n, n)); });
    select.value = names.indexOf(keep) >= 0 ? keep : "";
  }
  function cities() { return tree && tree[province.value] ? Object.keys(tree[province.value]) : []; }
  function counties() {
    var p = tree && tree[province.value];
    return p && p[city.value] ? p[city.value] : [];
  }
  province.addEventListener("change", function () {
    if (!tree) { return; }  /* not loaded yet: the server's options stay */
    fill(city, cities());
    fill(county, counties());
  });
  city.addEventListener("change", function () { if (tree) { fill(county, counties()); } });
  fetch(box.getAttribute("data-divisions"), {credentials: "same-origin"})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) { tree = data; });
}());
