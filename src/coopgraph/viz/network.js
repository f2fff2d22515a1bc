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
  var visible = null; // ids allowed by the country and type filters, or null for all
  var year = null; // the year slider's year, or null for all years (undated nodes and ties included)
  var removedNodes = new Set(); // what-if: nodes taken out
  var removedVehicles = new Set(); // what-if: vehicles taken off every tie they carry
  var whatIfMode = false;
  var yearBox = byId("cg-year-box");
  var yearInput = byId("cg-year");
  var yearValue = byId("cg-year-value");
  var whatIfToggle = byId("cg-whatif");
  var whatIfBox = byId("cg-whatif-box");
  var vehicleSelect = byId("cg-vehicle");

  // Same rule as coopgraph's projections: a node or tie stands in the year when one of its ranges holds it.
  function inYear(item) {
    if (year === null || !item.years) { return true; }
    for (var i = 0; i < item.years.length; i++) {
      if (item.years[i][0] <= year && year <= item.years[i][1]) { return true; }
    }
    return false;
  }
  // Shown before any what-if removal: the filters and the year.
  function nodeBase(n) { return (!visible || visible.has(n.id)) && inYear(n); }
  function edgeBase(e) {
    var a = nodes.get(e.from), b = nodes.get(e.to);
    return !!a && !!b && nodeBase(a) && nodeBase(b) && inYear(e);
  }
  function carried(e) {
    if (!removedVehicles.size || !e.vehicles || !e.vehicles.length) { return true; }
    return e.vehicles.some(function (v) { return !removedVehicles.has(v[0]); });
  }
  function nodeShown(n) { return nodeBase(n) && !removedNodes.has(n.id); }
  function edgeShown(e) {
    return edgeBase(e) && !removedNodes.has(e.from) && !removedNodes.has(e.to) && carried(e);
  }
  var nodeView = new vis.DataView(nodes, { filter: nodeShown });
  var edgeView = new vis.DataView(edges, { filter: edgeShown });
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
    box.appendChild(el("strong", n.name, "cg-label"));
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
    box.appendChild(el("strong", (a ? a.name : e.from) + " \u2013 " + (b ? b.name : e.to), "cg-label"));
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
      var shape = shapes[n.shape] || (shapes[n.shape] = { families: {}, kinds: {} });
      shape.families[n.family || n.kind || "unknown"] = true;
      if (n.kind) { shape.kinds[n.kind] = true; }
    });
    var ul = el("ul");
    Object.keys(colours).sort().forEach(function (name) {
      var li = el("li");
      var swatch = el("span", "\u25cf", "cg-swatch");
      swatch.style.color = colours[name];
      li.appendChild(swatch);
      li.appendChild(el("span", " " + name));
      li.setAttribute("data-colour", colours[name]);
      ul.appendChild(li);
    });
    box.appendChild(el("h3", view.grouping === "country" || !view.aggregated ? "Colour: country" : "Colour"));
    box.appendChild(ul);
    // A shape legend only when shapes tell things apart: one shape drawn for everything says nothing.
    var drawn = Object.keys(shapes).sort();
    if (drawn.length > 1) {
      var ul2 = el("ul");
      drawn.forEach(function (shape) {
        var li = el("li");
        li.appendChild(el("span", data.symbols[shape] || "\u25cf", "cg-swatch"));
        li.appendChild(el("span", " " + Object.keys(shapes[shape].families).sort().join(", ")));
        li.setAttribute("title", Object.keys(shapes[shape].kinds).sort().join(", "));
        ul2.appendChild(li);
      });
      box.appendChild(el("h3", "Shape"));
      box.appendChild(ul2);
    }
    box.appendChild(el("p", "Size: " + (view.nodes.length ? view.nodes[0].metricName : "") +
                            "; line width: " + (view.aggregated ? "links between the groups" : "shared vehicles") +
                            ". Labels of the larger nodes show first; zoom in for the rest.", "cg-hint"));
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
    refresh();
  }

  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    statusLine.textContent = nodeView.length + " of " + nodes.length + " nodes shown" +
      (year === null ? "" : " (" + year + ")") + (removedNodes.size || removedVehicles.size ? ", what-if" : "");
    if (whatIfMode) { renderWhatIf(); }
    scheduleLabels();
  }

  // --- labels: the larger nodes first, none overlapping another or crossing the canvas edge ---------------
  var LABEL_PX = 12; // on-screen font size at the first view
  var measure = document.createElement("canvas").getContext("2d");
  var labelTimer = null;

  function scheduleLabels() {
    if (labelTimer) { clearTimeout(labelTimer); }
    labelTimer = setTimeout(function () { labelTimer = null; placeLabels(); }, 60);
  }

  function placeLabels() {
    if (!current) { return; }
    var scale = network.getScale();
    var font = current.fontSize || 14;
    var px = font * scale;
    var width = byId("cg-network").clientWidth, height = byId("cg-network").clientHeight;
    var chosen = [], changes = [];
    measure.font = px + "px sans-serif";
    var order = nodeView.get().sort(function (a, b) { return b.size - a.size || (a.name < b.name ? -1 : 1); });
    var at = network.getPositions(order.map(function (n) { return n.id; }));
    var discs = {}; // every drawn node's square on screen: a label may not cover another node
    order.forEach(function (n) {
      var c = network.canvasToDOM(at[n.id]), r = n.size * scale;
      discs[n.id] = { x: c.x, y: c.y, left: c.x - r, right: c.x + r, top: c.y - r, bottom: c.y + r };
    });
    var apart = function (a, b) { return a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top; };
    order.forEach(function (n) {
      var label = "";
      // Smaller text is not read; the tooltip has it. The full name first, else the acronym.
      var tries = px >= 7 ? [n.name].concat(n.acronym && n.acronym !== n.name ? [n.acronym] : []) : [];
      for (var i = 0; i < tries.length && !label; i++) {
        var d = discs[n.id], w = measure.measureText(tries[i]).width + 6, h = px * 1.3 + 4;
        var box = { left: d.x - w / 2, right: d.x + w / 2, top: d.bottom + 1, bottom: d.bottom + 1 + h };
        var fits = box.left >= 2 && box.top >= 2 && box.right <= width - 2 && box.bottom <= height - 2 &&
          chosen.every(function (o) { return apart(box, o); });
        for (var id in discs) { if (fits && id !== n.id && !apart(box, discs[id])) { fits = false; } }
        if (fits) { chosen.push(box); label = tries[i]; }
      }
      if (n.label !== label) { changes.push({ id: n.id, label: label }); }
    });
    if (changes.length) { nodes.update(changes); }
    document.documentElement.setAttribute("data-cg-labels", String(chosen.length));
  }

  // --- what-if: components and cross-border ties with and without what was taken out -------------------
  function components(nodeList, edgeList) {
    var parent = {};
    nodeList.forEach(function (n) { parent[n.id] = n.id; });
    function find(x) { while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; }
    edgeList.forEach(function (e) {
      if (parent[e.from] === undefined || parent[e.to] === undefined) { return; }
      var a = find(e.from), b = find(e.to);
      if (a !== b) { parent[a] = b; }
    });
    var sizes = {};
    nodeList.forEach(function (n) { var r = find(n.id); sizes[r] = (sizes[r] || 0) + 1; });
    var list = Object.keys(sizes).map(function (k) { return sizes[k]; }).sort(function (a, b) { return b - a; });
    return { count: list.length, largest: list.length ? list[0] : 0, sizes: list };
  }

  function whatIf() {
    var beforeNodes = nodes.get({ filter: nodeBase }), beforeEdges = edges.get({ filter: edgeBase });
    var afterNodes = nodeView.get(), afterEdges = edgeView.get();
    var before = components(beforeNodes, beforeEdges), after = components(afterNodes, afterEdges);
    var kept = new Set(afterEdges.map(function (e) { return e.id; }));
    var degree = {};
    afterEdges.forEach(function (e) { degree[e.from] = (degree[e.from] || 0) + 1; degree[e.to] = (degree[e.to] || 0) + 1; });
    var touched = new Set();
    beforeEdges.forEach(function (e) {
      if (!kept.has(e.id)) { touched.add(e.from); touched.add(e.to); }
    });
    var isolated = [];
    touched.forEach(function (id) {
      var n = nodes.get(id);
      if (n && !removedNodes.has(id) && !degree[id]) { isolated.push(n.name); }
    });
    var cross = function (list) { return list.filter(function (e) { return e.crossBorder; }).length; };
    return {
      removed: Array.from(removedNodes).map(function (id) { var n = nodes.get(id); return n ? n.name : id; })
        .concat(vehicleNames(Array.from(removedVehicles))),
      nodesBefore: beforeNodes.length, nodesAfter: afterNodes.length,
      edgesBefore: beforeEdges.length, edgesAfter: afterEdges.length,
      componentsBefore: before.count, componentsAfter: after.count,
      largestBefore: before.largest, largestAfter: after.largest, fragmentSizes: after.sizes,
      crossBorderBefore: cross(beforeEdges), crossBorderAfter: cross(afterEdges),
      isolated: isolated.sort()
    };
  }

  function vehicleNames(iris) {
    var names = {};
    edges.forEach(function (e) { (e.vehicles || []).forEach(function (v) { names[v[0]] = v[1]; }); });
    return iris.map(function (iri) { return names[iri] || iri; });
  }

  function renderWhatIf() {
    var box = byId("cg-whatif-result");
    clear(box);
    if (!removedNodes.size && !removedVehicles.size) {
      box.appendChild(el("p", "Nothing removed yet.", "cg-hint"));
      return;
    }
    var r = whatIf();
    var list = el("dl");
    row(list, "Removed", r.removed.join("; "));
    row(list, "Components", r.componentsBefore + " \u2192 " + r.componentsAfter);
    row(list, "Largest", r.largestBefore + " \u2192 " + r.largestAfter + " nodes");
    row(list, "Ties", r.edgesBefore + " \u2192 " + r.edgesAfter);
    row(list, "Cross-border ties", r.crossBorderBefore + " \u2192 " + r.crossBorderAfter + " (" +
        (r.crossBorderBefore - r.crossBorderAfter) + " lost)");
    row(list, "Cut off", r.isolated.length ? r.isolated.join("; ") : "none");
    box.appendChild(list);
  }

  function fillVehicles() {
    var names = {};
    edges.forEach(function (e) { (e.vehicles || []).forEach(function (v) { names[v[0]] = v[1]; }); });
    clear(vehicleSelect);
    option(vehicleSelect, "", "remove a shared vehicle\u2026");
    Object.keys(names).sort(function (a, b) { return names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0; })
      .forEach(function (iri) { option(vehicleSelect, iri, names[iri]); });
    vehicleSelect.hidden = Object.keys(names).length === 0;
  }

  function setYear(value) {
    year = value === null || value === undefined || value === "" ? null : Number(value);
    if (data.years && (year === null || year > data.years[1])) { year = null; }
    yearInput.value = year === null && data.years ? String(data.years[1] + 1) : String(year);
    yearValue.textContent = year === null ? "all years" : String(year);
    refresh();
  }

  function showView(id) {
    var view = views[id] || data.views[0];
    if (view === current) { return; }
    current = view;
    drawnFor = null;
    hideTooltip();
    visible = null;
    removedNodes.clear();
    removedVehicles.clear();
    nodes.clear();
    edges.clear();
    // vis-network draws `label`; `name` keeps the full label, drawn only where it has room.
    nodes.add(view.nodes.map(function (n) { return Object.assign({}, n, { name: n.label, label: "" }); }));
    edges.add(view.edges);
    var dated = view.nodes.some(function (n) { return n.years; });
    yearBox.hidden = !(data.years && dated);
    if (yearBox.hidden) { year = null; }
    fillVehicles();
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
    fitView();
  }

  // Fit with a margin, then size the font so labels read at LABEL_PX on this first view.
  function fitView() {
    network.fit({ animation: false });
    var scale = network.getScale() * 0.92;
    network.moveTo({ scale: scale, animation: false });
    current.fontSize = LABEL_PX / scale;
    network.setOptions({ nodes: { font: { size: current.fontSize } } });
    placeLabels();
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
    if (whatIfMode && p.nodes.length) {
      var target = nodes.get(p.nodes[0]);
      if (target && target.kind !== "group") {
        removedNodes.add(target.id);
        network.unselectAll();
        hideTooltip();
        refresh();
        return;
      }
    }
    if (p.nodes.length) { showDetails(describeNode(nodes.get(p.nodes[0]))); } else if (p.edges.length) {
      showDetails(describeEdge(edges.get(p.edges[0])));
    }
  });
  network.on("zoom", scheduleLabels);
  network.on("dragEnd", scheduleLabels);
  network.on("doubleClick", function (p) {
    var n = p.nodes.length ? nodes.get(p.nodes[0]) : null;
    if (n && n.drill && views[n.drill]) { location.hash = n.drill; }
  });
  network.on("afterDrawing", function () {
    if (drawnFor === current) { return; }
    drawnFor = current;
    document.documentElement.setAttribute("data-cg-view", current.id);
    document.documentElement.setAttribute("data-cg-drawn", String(network.body.nodeIndices.length));
    // Milliseconds from navigation to this view's first drawing (bench/page_open.py reads it).
    document.documentElement.setAttribute("data-cg-drawn-ms", String(Math.round(performance.now())));
  });
  window.addEventListener("hashchange", function () { showView(decodeURIComponent(location.hash.slice(1))); });
  countrySelect.addEventListener("change", applyFilters);
  kindSelect.addEventListener("change", applyFilters);
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") { runSearch(); } });
  yearInput.addEventListener("input", function () { setYear(Number(yearInput.value)); });
  whatIfToggle.addEventListener("change", function () {
    whatIfMode = whatIfToggle.checked;
    whatIfBox.hidden = !whatIfMode;
    if (!whatIfMode) { removedNodes.clear(); removedVehicles.clear(); }
    refresh();
  });
  vehicleSelect.addEventListener("change", function () {
    if (vehicleSelect.value) { removedVehicles.add(vehicleSelect.value); vehicleSelect.value = ""; refresh(); }
  });
  byId("cg-restore").addEventListener("click", function () {
    removedNodes.clear(); removedVehicles.clear(); refresh();
  });
  byId("cg-reset").addEventListener("click", function () {
    countrySelect.value = ""; kindSelect.value = ""; search.value = "";
    removedNodes.clear(); removedVehicles.clear();
    year = null; setYear(null);
    applyFilters(); network.unselectAll(); fitView();
  });
  if (data.years) {
    yearInput.min = String(data.years[0]);
    yearInput.max = String(data.years[1] + 1); // the last step is "all years"
    setYear(null);
  }

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
    showView: function (id) { location.hash = id; showView(id); },
    shownNodes: function () { return nodeView.length; },
    shownEdges: function () { return edgeView.length; },
    setYear: function (value) { setYear(value); return nodeView.length; },
    whatIf: whatIf,
    // Each drawn label's box (the text vis-network laid out), in page pixels.
    labelBoxes: function () {
      var box = byId("cg-network").getBoundingClientRect();
      return nodeView.get().filter(function (n) { return n.label; }).map(function (n) {
        var size = network.body.nodes[n.id].labelModule.size;
        var a = network.canvasToDOM({ x: size.left, y: size.top });
        var b = network.canvasToDOM({ x: size.left + size.width, y: size.top + size.height });
        return { id: n.id, label: n.label, left: box.left + a.x, top: box.top + a.y, right: box.left + b.x,
                 bottom: box.top + b.y };
      });
    },
    canvasBox: function () {
      var r = byId("cg-network").getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }
  };

  showView(decodeURIComponent(location.hash.slice(1)) || data.views[0].id);
  if (data.focus !== null && nodes.get(data.focus)) { select(data.focus); }
}());
