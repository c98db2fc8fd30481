// jixiao HTML report: the ranking (sorted, filtered, searched, paged) and the institution panels,
// rendered on demand from the inline JSON data. Vanilla JS, no network. A filter can be set on
// load by the address's hash: #group=NAME&grade=A&q=TEXT&sort=score&dir=desc&size=all&id=ID.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var T = D.t;
  // Row fields, in the order the report writes them.
  var RANK = 0, GROUP_RANK = 1, ID = 2, NAME = 3, GROUP = 4, SCORE = 5, GRADE = 6, FLAGS = 7,
    DIMS = 8, MOVE_RANK = 9, MOVE_SCORE = 10, LEAF_SCORES = 11, LEAF_POINTS = 12, LEAF_WEIGHTS = 13;
  var PAGE = 100;
  var state = { group: "", grade: "", q: "", sort: "rank", dir: 1, page: 0, size: PAGE, id: null };

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function num(v, d) {
    if (v == null) return "";
    return Number(v).toFixed(d);
  }
  function signed(v, d) {
    if (v == null) return "";
    var t = Number(v).toFixed(d);
    return v > 0 ? "+" + t : t;
  }
  function rankText(v) {
    if (v == null) return "";
    return Math.round(v) === v ? String(v) : v.toFixed(1);
  }

  function readHash() {
    var hash = window.location.hash.replace(/^#/, "");
    hash.split("&").forEach(function (pair) {
      if (!pair) return;
      var at = pair.indexOf("=");
      var key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at));
      var value = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
      if (key === "group") state.group = value === "" ? "" : String(D.groups.indexOf(value));
      else if (key === "grade") state.grade = value === "" ? "" : String(D.grades.map(function (g) { return g[0]; }).indexOf(value));
      else if (key === "q") state.q = value;
      else if (key === "sort") state.sort = value;
      else if (key === "dir") state.dir = value === "desc" ? -1 : 1;
      else if (key === "size") state.size = value === "all" ? Infinity : Math.max(1, parseInt(value, 10) || PAGE);
      else if (key === "page") state.page = Math.max(0, (parseInt(value, 10) || 1) - 1);
      else if (key === "id") state.id = value;
    });
    document.getElementById("filter-group").value = state.group;
    document.getElementById("filter-grade").value = state.grade;
    document.getElementById("filter-q").value = state.q;
  }

  function key(row, sort) {
    if (sort === "rank") return row[RANK];
    if (sort === "group_rank") return row[GROUP_RANK];
    if (sort === "score") return row[SCORE];
    if (sort === "id") return row[ID];
    if (sort === "name") return row[NAME];
    if (sort === "group") return D.groups[row[GROUP]];
    if (sort === "grade") return row[GRADE] < 0 ? null : row[GRADE];
    if (sort === "move_rank") return row[MOVE_RANK];
    if (sort === "move_score") return row[MOVE_SCORE];
    if (sort.indexOf("dim") === 0) return row[DIMS][parseInt(sort.slice(3), 10)];
    return row[RANK];
  }

  function selected() {
    var group = state.group === "" ? -1 : parseInt(state.group, 10);
    var grade = state.grade === "" ? -2 : parseInt(state.grade, 10);
    var q = state.q.trim().toLowerCase();
    var out = [];
    for (var i = 0; i < D.rows.length; i++) {
      var row = D.rows[i];
      if (group >= 0 && row[GROUP] !== group) continue;
      if (grade > -2 && row[GRADE] !== grade) continue;
      if (q && String(row[ID]).toLowerCase().indexOf(q) < 0 &&
          String(row[NAME] || "").toLowerCase().indexOf(q) < 0) continue;
      out.push(i);
    }
    if (state.sort !== "rank" || state.dir !== 1) {
      var sort = state.sort, dir = state.dir;
      out.sort(function (a, b) {
        var x = key(D.rows[a], sort), y = key(D.rows[b], sort);
        if (x == null && y == null) return a - b;
        if (x == null) return 1;
        if (y == null) return -1;
        if (x < y) return -dir;
        if (x > y) return dir;
        return a - b;
      });
    }
    return out;
  }

  function cells(row) {
    var grade = row[GRADE] >= 0 ? D.grades[row[GRADE]] : null;
    var html = "<td>" + rankText(row[RANK]) + "</td><td>" + rankText(row[GROUP_RANK]) + "</td><td>" +
      esc(row[ID]) + "</td><td>" + esc(row[NAME]) + "</td><td>" + esc(D.groups[row[GROUP]]) +
      "</td><td class=\"num\">" + num(row[SCORE], D.decimals) + "</td>" +
      (grade ? "<td style=\"background:" + grade[1] + "\">" + esc(grade[0]) + "</td>" : "<td></td>");
    for (var d = 0; d < D.dims.length; d++) html += "<td class=\"num\">" + num(row[DIMS][d], D.decimals) + "</td>";
    if (D.movement) {
      html += "<td class=\"num\">" + signed(row[MOVE_RANK], 0) + "</td><td class=\"num\">" + signed(row[MOVE_SCORE], D.decimals) + "</td>";
    }
    return html + "<td class=\"flags\">" + esc(row[FLAGS]) + "</td>";
  }

  function render() {
    var rows = selected();
    var size = state.size;
    var pages = size === Infinity ? 1 : Math.max(1, Math.ceil(rows.length / size));
    if (state.page >= pages) state.page = pages - 1;
    var start = size === Infinity ? 0 : state.page * size;
    var end = size === Infinity ? rows.length : Math.min(rows.length, start + size);
    var html = [];
    for (var i = start; i < end; i++) {
      html.push("<tr data-row=\"" + rows[i] + "\">" + cells(D.rows[rows[i]]) + "</tr>");
    }
    var body = document.getElementById("ranking-rows");
    body.innerHTML = html.join("");
    body.setAttribute("data-matching", String(rows.length));
    document.getElementById("ranking-count").textContent =
      T.matching.replace("{n}", String(rows.length)).replace("{total}", String(D.rows.length));
    document.getElementById("page-text").textContent =
      T.page.replace("{p}", String(state.page + 1)).replace("{pages}", String(pages));
    document.getElementById("page-prev").disabled = state.page === 0;
    document.getElementById("page-next").disabled = state.page + 1 >= pages;
    var heads = document.querySelectorAll("#ranking th[data-sort]");
    for (var h = 0; h < heads.length; h++) {
      var th = heads[h];
      th.setAttribute("aria-sort", th.getAttribute("data-sort") === state.sort ?
        (state.dir === 1 ? "ascending" : "descending") : "none");
    }
  }

  function bars(row, median) {
    var dims = D.dims, width = 560, left = 130, plot = 380, line = 34;
    var height = 20 + line * dims.length + 24;
    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height +
      "\" viewBox=\"0 0 " + width + " " + height + "\">";
    for (var d = 0; d < dims.length; d++) {
      var y = 10 + line * d;
      var own = row[DIMS][d], med = median ? median.dims[d] : null;
      svg += "<text x=\"" + (left - 6) + "\" y=\"" + (y + 16) + "\" text-anchor=\"end\" class=\"label\">" + esc(dims[d]) + "</text>";
      if (own != null) {
        svg += "<rect class=\"mark own\" x=\"" + left + "\" y=\"" + y + "\" width=\"" + (plot * Math.max(0, Math.min(own, 100)) / 100).toFixed(1) +
          "\" height=\"12\"><title>" + esc(T.own) + ": " + num(own, D.decimals) + "</title></rect>";
        svg += "<text x=\"" + (left + plot + 6) + "\" y=\"" + (y + 11) + "\" class=\"value\">" + num(own, D.decimals) + "</text>";
      }
      if (med != null) {
        svg += "<rect class=\"mark median\" x=\"" + left + "\" y=\"" + (y + 14) + "\" width=\"" + (plot * Math.max(0, Math.min(med, 100)) / 100).toFixed(1) +
          "\" height=\"8\"><title>" + esc(T.median) + ": " + num(med, D.decimals) + "</title></rect>";
      }
    }
    var bottom = 10 + line * dims.length;
    svg += "<path class=\"axis\" d=\"M" + left + " 6V" + bottom + "H" + (left + plot) + "\"/>";
    svg += "<rect x=\"" + left + "\" y=\"" + (bottom + 8) + "\" width=\"10\" height=\"10\" class=\"own\"/><text x=\"" + (left + 14) + "\" y=\"" + (bottom + 17) + "\" class=\"label\">" + esc(T.own) + "</text>";
    svg += "<rect x=\"" + (left + 120) + "\" y=\"" + (bottom + 8) + "\" width=\"10\" height=\"10\" class=\"median\"/><text x=\"" + (left + 134) + "\" y=\"" + (bottom + 17) + "\" class=\"label\">" + esc(T.median) + "</text>";
    return svg + "</svg>";
  }

  function leaves(row, median) {
    if (!D.detail || !row[LEAF_SCORES]) return "<p class=\"note\">" + esc(D.detail_note) + "</p>";
    var html = "<table class=\"leaves\"><thead><tr><th>" + esc(T.indicator) + "</th><th>" + esc(T.score) +
      "</th><th>" + esc(T.median_score) + "</th>";
    if (D.points) html += "<th>" + esc(T.points) + "</th><th>" + esc(T.lost_full) + "</th><th>" + esc(T.vs_median) + "</th>";
    html += "</tr></thead><tbody>";
    var versus = [];
    for (var l = 0; l < D.leaves.length; l++) {
      var s = row[LEAF_SCORES][l], m = median ? median.leaves[l] : null;
      html += "<tr><td>" + esc(D.leaves[l][0] + " " + D.leaves[l][1]) + "</td><td class=\"num\">" + num(s, D.decimals) +
        "</td><td class=\"num\">" + num(m, D.decimals) + "</td>";
      if (D.points) {
        var p = row[LEAF_POINTS][l], w = row[LEAF_WEIGHTS][l];
        var lost = (w == null || p == null) ? null : w * 100 - p;
        var vs = (w == null || s == null || m == null) ? null : w * (s - m);
        if (vs != null) versus.push([vs, l]);
        html += "<td class=\"num\">" + num(p, 2) + "</td><td class=\"num\">" + num(lost, 2) + "</td><td class=\"num\">" + signed(vs, 2) + "</td>";
      }
      html += "</tr>";
    }
    html += "</tbody></table>";
    if (versus.length) {
      versus.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
      var name = function (v) { return esc(D.leaves[v[1]][0] + " " + D.leaves[v[1]][1]) + " " + signed(v[0], 2); };
      var strong = versus.filter(function (v) { return v[0] > 0; }).slice(0, 3).map(name);
      var weak = versus.filter(function (v) { return v[0] < 0; }).reverse().slice(0, 3).map(name);
      html = "<p><b>" + esc(T.strengths) + "</b> " + (strong.join("；") || "—") + "</p><p><b>" + esc(T.weaknesses) +
        "</b> " + (weak.join("；") || "—") + "</p>" + html;
    }
    return html;
  }

  function showPanel(index) {
    var row = D.rows[index];
    var panel = document.getElementById("panel");
    if (!row) { panel.hidden = true; return; }
    var median = D.medians[row[GROUP]];
    var grade = row[GRADE] >= 0 ? D.grades[row[GRADE]][0] : "—";
    var html = "<h3>" + esc(row[NAME] || row[ID]) + " <small>" + esc(row[ID]) + "</small></h3><p>" +
      esc(T.group) + " " + esc(D.groups[row[GROUP]]) + " · " + esc(T.rank) + " " + (rankText(row[RANK]) || "—") + " · " +
      esc(T.group_rank) + " " + (rankText(row[GROUP_RANK]) || "—") + " · " + esc(T.score) + " " + (num(row[SCORE], D.decimals) || "—") +
      " · " + esc(T.grade) + " " + esc(grade) + "</p>";
    if (D.movement && (row[MOVE_RANK] != null || row[MOVE_SCORE] != null)) {
      html += "<p>" + esc(T.movement) + ": " + esc(T.places_up) + " " + signed(row[MOVE_RANK], 0) + " · " + esc(T.score_change) + " " + signed(row[MOVE_SCORE], D.decimals) + "</p>";
    }
    if (row[FLAGS]) html += "<p class=\"flags\"><b>" + esc(T.flags) + "</b> " + esc(row[FLAGS]) + "</p>";
    html += "<h4>" + esc(T.dimensions_vs_median) + "</h4><div class=\"chart\" id=\"panel-chart\">" + bars(row, median) + "</div>";
    html += "<h4>" + esc(T.contributions) + "</h4>" + leaves(row, median);
    html += "<p class=\"note\">" + esc(T.explain_hint.replace("{id}", row[ID])) + "</p>";
    panel.innerHTML = html;
    panel.hidden = false;
    panel.setAttribute("data-id", String(row[ID]));
  }

  function changed() {
    state.page = 0;
    render();
  }

  readHash();
  render();
  if (state.id != null) {
    for (var i = 0; i < D.rows.length; i++) {
      if (String(D.rows[i][ID]) === state.id) { showPanel(i); break; }
    }
  }
  document.getElementById("filter-group").addEventListener("change", function (e) { state.group = e.target.value; changed(); });
  document.getElementById("filter-grade").addEventListener("change", function (e) { state.grade = e.target.value; changed(); });
  document.getElementById("filter-q").addEventListener("input", function (e) { state.q = e.target.value; changed(); });
  document.getElementById("page-prev").addEventListener("click", function () { state.page -= 1; render(); });
  document.getElementById("page-next").addEventListener("click", function () { state.page += 1; render(); });
  var heads = document.querySelectorAll("#ranking th[data-sort]");
  for (var h = 0; h < heads.length; h++) {
    heads[h].addEventListener("click", function (e) {
      var sort = e.currentTarget.getAttribute("data-sort");
      state.dir = state.sort === sort ? -state.dir : 1;
      state.sort = sort;
      changed();
    });
  }
  document.getElementById("ranking-rows").addEventListener("click", function (e) {
    var tr = e.target.closest("tr");
    if (tr) showPanel(parseInt(tr.getAttribute("data-row"), 10));
  });
  window.addEventListener("hashchange", function () { readHash(); changed(); });
  document.body.setAttribute("data-ready", "1");
})();
