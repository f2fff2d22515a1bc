// coopgraph network page. Every value from the data reaches the document through textContent, .value or a
// checked href attribute, never through innerHTML: a label such as <img src=x onerror=...> stays text.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("cg-data").textContent);
  var SAFE_URL = /^https?:\/\/[^\s]+$/i;
  var byId = function (id) { return document.getElementById(id); };
  var stage = byId("cg-stage");
  var tooltip = byId("cg-tooltip");
  var details = byId("cg-details");
  var search = byId("cg-search");
  var countrySelect = byId("cg-country");
  var kindSelect = byId("cg-kind");
  var statusLine = byId("cg-status");
  var views = {};
  data.views.forEach(function (v) { views[v.id] = v; });

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var visible = null; // ids allowed by the filters, or null for all
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return !visible || visible.has(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return !visible || (visible.has(e.from) && visible.has(e.to)); }
  });
  var network = new vis.Network(byId("cg-network"), { nodes: nodeView, edges: edgeView }, data.views[0].options);
  var current = null;
  var drawnFor = null;

  function el(tag, content, className) {
    var node = document.createElement(tag);
    if (content !== undefined && content !== null) { node.textContent = String(content); }
    if (className) { node.className = className; }
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function row(list, name, value) {
    if (value === undefined || value === null || value === "") { return; }
    list.appendChild(el("dt", name));
    list.appendChild(el("dd", value));
  }

  function link(source) {
    var url = source.url;
    if (typeof url === "string" && SAFE_URL.test(url)) {
      var a = el("a", source.title);
      a.setAttribute("href", url);
      a.setAttribute("rel", "noopener noreferrer external");
      a.setAttribute("target", "_blank");
      return a;
    }
    return el("span", source.title);
  }

  function describeNode(n) {
    var box = document.createDocumentFragment();
    box.appendChild(el("strong", n.label, "cg-label"));
    var list = el("dl");
    row(list, "Acronym", n.acronym);
    row(list, "Type", n.kind === "group" ? "group" : n.kind);
    row(list, "Country", n.country || "none");
    row(list, "Role", n.role);
    row(list, n.metricName, typeof n.metric === "number" ? n.metric.toPrecision(3) : n.metric);
    row(list, "Links", n.links);
    row(list, "IRI", n.iri);
    box.appendChild(list);
    if (n.sources && n.sources.length) {
      box.appendChild(el("span", "Sources", "cg-sources-title"));
      var ul = el("ul", null, "cg-sources");
      n.sources.forEach(function (s) { var li = el("li"); li.appendChild(link(s)); ul.appendChild(li); });
      box.appendChild(ul);
    }
    if (n.drill) { box.appendChild(el("p", "Double-click to open this group.", "cg-hint")); }
    return box;
  }

  function describeEdge(e) {
    var a = nodes.get(e.from), b = nodes.get(e.to);
    var box = document.createDocumentFragment();
    box.appendChild(el("strong", (a ? a.label : e.from) + " \u2013 " + (b ? b.label : e.to), "cg-label"));
    var list = el("dl");
    row(list, "Shared", e.via);
    row(list, "Role", e.role);
    row(list, "Weight", e.weight);
    if (e.crossBorder) { row(list, "Cross-border", "yes"); }
    box.appendChild(list);
    return box;
  }

  function showTooltip(content, pointer) {
    clear(tooltip);
    tooltip.appendChild(content);
    tooltip.hidden = false;
    var x = pointer.x + 14, y = pointer.y + 14;
    var maxX = stage.clientWidth - tooltip.offsetWidth - 4;
    tooltip.style.left = Math.max(0, Math.min(x, maxX)) + "px";
    tooltip.style.top = y + "px";
  }

  function hideTooltip() { tooltip.hidden = true; }

  function showDetails(content) {
    clear(details);
    details.appendChild(content);
  }

  function option(select, value, label) {
    var o = el("option", label);
    o.value = value;
    select.appendChild(o);
  }

  function fillSelect(select, values, allLabel) {
    clear(select);
    option(select, "", allLabel);
    values.forEach(function (v) { option(select, v, v); });
  }

  function distinct(list) {
    var seen = {}, out = [];
    list.forEach(function (v) { if (v && !seen[v]) { seen[v] = true; out.push(v); } });
    return out.sort();
  }

  function legend(view) {
    var box = byId("cg-legend");
    clear(box);
    var colours = {}, shapes = {};
    view.nodes.forEach(function (n) {
      colours[n.kind === "group" ? "group" : (n.country || "no country")] = n.color;
      shapes[n.kind || "unknown"] = n.shape;
    });
    var ul = el("ul");
    Object.keys(colours).sort().forEach(function (name) {
      var li = el("li");
      var swatch = el("span", "\u25cf", "cg-swatch");
      swatch.style.color = colours[name];
      li.appendChild(swatch);
      li.appendChild(el("span", " " + name));
      ul.appendChild(li);
    });
    box.appendChild(el("h3", "Colour: country"));
    box.appendChild(ul);
    var ul2 = el("ul");
    Object.keys(shapes).sort().forEach(function (name) {
      var li = el("li");
      li.appendChild(el("span", data.symbols[shapes[name]] || "\u25cf", "cg-swatch"));
      li.appendChild(el("span", " " + name));
      ul2.appendChild(li);
    });
    box.appendChild(el("h3", "Shape: type"));
    box.appendChild(ul2);
    box.appendChild(el("p", "Size: " + (view.nodes.length ? view.nodes[0].metricName : "") +
                            "; edge width: weight.", "cg-hint"));
  }

  function crumbs(view) {
    var nav = byId("cg-crumbs");
    clear(nav);
    var chain = [], v = view;
    while (v) { chain.unshift(v); v = v.parent ? views[v.parent] : null; }
    nav.hidden = chain.length < 2;
    chain.forEach(function (step, i) {
      if (i) { nav.appendChild(document.createTextNode(" \u203a ")); }
      if (step === view) { nav.appendChild(el("span", step.title)); return; }
      var a = el("a", step.title);
      a.setAttribute("href", "#" + step.id);
      nav.appendChild(a);
    });
    var list = byId("cg-views");
    clear(list);
    var children = view.nodes.filter(function (n) { return n.drill && views[n.drill]; });
    byId("cg-views-box").hidden = children.length === 0;
    children.forEach(function (n) {
      var li = el("li"), a = el("a", n.label);
      a.setAttribute("href", "#" + n.drill);
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  function applyFilters() {
    var country = countrySelect.value, kind = kindSelect.value;
    if (!country && !kind) { visible = null; } else {
      visible = new Set();
      nodes.forEach(function (n) {
        var okCountry = !country || (n.countries || []).indexOf(country) >= 0 || n.country === country;
        if (okCountry && (!kind || n.kind === kind)) { visible.add(n.id); }
      });
    }
    nodeView.refresh();
    edgeView.refresh();
    statusLine.textContent = nodeView.length + " of " + nodes.length + " nodes shown";
  }

  function showView(id) {
    var view = views[id] || data.views[0];
    if (view === current) { return; }
    current = view;
    drawnFor = null;
    hideTooltip();
    visible = null;
    nodes.clear();
    edges.clear();
    nodes.add(view.nodes);
    edges.add(view.edges);
    fillSelect(countrySelect, distinct([].concat.apply([], view.nodes.map(function (n) {
      return n.countries && n.countries.length ? n.countries : [n.country];
    }))), "all countries");
    fillSelect(kindSelect, distinct(view.nodes.map(function (n) { return n.kind; })), "all types");
    var labels = byId("cg-labels");
    clear(labels);
    view.nodes.forEach(function (n) { var o = document.createElement("option"); o.value = n.label; labels.appendChild(o); });
    legend(view);
    crumbs(view);
    byId("cg-title").textContent = view.title;
    applyFilters();
    network.fit({ animation: false });
  }

  function findNode(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    var order = [current].concat(data.views.filter(function (v) { return v !== current && !v.aggregated; }));
    for (var i = 0; i < order.length; i++) {
      var exact = null, partial = null;
      order[i].nodes.forEach(function (n) {
        var label = String(n.label).toLowerCase();
        if (label === q && !exact) { exact = n; }
        if (label.indexOf(q) >= 0 && !partial) { partial = n; }
      });
      if (exact || partial) { return { view: order[i], node: exact || partial }; }
    }
    return null;
  }

  function select(nodeId) {
    if (visible && !visible.has(nodeId)) { countrySelect.value = ""; kindSelect.value = ""; applyFilters(); }
    network.selectNodes([nodeId]);
    network.focus(nodeId, { scale: 1.2, animation: false });
    var n = nodes.get(nodeId);
    if (n) { showDetails(describeNode(n)); }
  }

  function runSearch() {
    var found = findNode(search.value);
    if (!found) { statusLine.textContent = "no node matches"; return; }
    if (found.view !== current) { location.hash = found.view.id; showView(found.view.id); }
    select(found.node.id);
  }

  network.on("hoverNode", function (p) { var n = nodes.get(p.node); if (n) { showTooltip(describeNode(n), p.pointer.DOM); } });
  network.on("blurNode", hideTooltip);
  network.on("hoverEdge", function (p) { var e = edges.get(p.edge); if (e) { showTooltip(describeEdge(e), p.pointer.DOM); } });
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("click", function (p) {
    if (p.nodes.length) { showDetails(describeNode(nodes.get(p.nodes[0]))); } else if (p.edges.length) {
      showDetails(describeEdge(edges.get(p.edges[0])));
    }
  });
  network.on("doubleClick", function (p) {
    var n = p.nodes.length ? nodes.get(p.nodes[0]) : null;
    if (n && n.drill && views[n.drill]) { location.hash = n.drill; }
  });
  network.on("afterDrawing", function () {
    if (drawnFor === current) { return; }
    drawnFor = current;
    document.documentElement.setAttribute("data-cg-view", current.id);
    document.documentElement.setAttribute("data-cg-drawn", String(network.body.nodeIndices.length));
  });
  window.addEventListener("hashchange", function () { showView(decodeURIComponent(location.hash.slice(1))); });
  countrySelect.addEventListener("change", applyFilters);
  kindSelect.addEventListener("change", applyFilters);
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") { runSearch(); } });
  byId("cg-reset").addEventListener("click", function () {
    countrySelect.value = ""; kindSelect.value = ""; search.value = "";
    applyFilters(); network.unselectAll(); network.fit({ animation: false });
  });

  // For tests and for people at the console: what is drawn, and where a node sits on the screen.
  window.coopgraph = {
    network: network, nodes: nodes, edges: edges, views: views,
    view: function () { return current.id; },
    drawnNodes: function () { return network.body.nodeIndices.length; },
    drawnEdges: function () { return network.body.edgeIndices.length; },
    screenPosition: function (id) {
      var canvas = network.canvasToDOM(network.getPositions([id])[id]);
      var box = byId("cg-network").getBoundingClientRect();
      return { x: box.left + canvas.x, y: box.top + canvas.y };
    },
    showView: function (id) { location.hash = id; showView(id); }
  };

  showView(decodeURIComponent(location.hash.slice(1)) || data.views[0].id);
  if (data.focus !== null && nodes.get(data.focus)) { select(data.focus); }
}());
