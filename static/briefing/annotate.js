/* Annotations on the briefing map (issue 24): draw arrows, callouts, text, lines, areas
 * and point symbols; select, move, edit, delete; undo. Served with the vendored Leaflet
 * (static/) and inlined in stand-alone HTML exports; layers/web/annotations.py attaches it.
 *
 * This file holds no data. Annotations arrive through BmAnnotate.load(map, json) (from
 * the app's feature groups) as GeoJSON features {kind, label, colour, curved, symbol};
 * every label is shown with textContent, never parsed as HTML. Palette, sizes and
 * limits come from the attach() options (one source: layers/briefing/annotations.py).
 *
 * The app learns of a change the way streamlit-folium reports Leaflet.draw's: the
 * frontend reads window.drawnItems.toGeoJSON() when the map fires 'draw:edited'.
 * Only complete annotations are reported (a callout or text needs its label).
 * Keyboard: the toolbar and the form are buttons and fields; while drawing, Enter (map
 * focused) or "Add centre" adds the map's centre, arrow keys pan, Esc cancels; a
 * selected annotation's handles move with the arrow keys (Shift: further); Delete
 * removes it; Ctrl+Z undoes.
 */
(function () {
  "use strict";
  if (window.BmAnnotate) { return; }

  function smooth(points, steps) {
    if (points.length < 3) { return points.slice(); }
    var padded = [points[0]].concat(points, [points[points.length - 1]]);
    var curve = [points[0]];
    for (var i = 1; i < padded.length - 2; i++) {
      var p0 = padded[i - 1], p1 = padded[i], p2 = padded[i + 1], p3 = padded[i + 2];
      for (var s = 1; s <= steps; s++) {
        var t = s / steps, t2 = t * t, t3 = t2 * t, point = [];
        for (var k = 0; k < 2; k++) {
          point.push(0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * t
            + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
            + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3));
        }
        curve.push(point);
      }
    }
    curve[curve.length - 1] = points[points.length - 1];
    return curve;
  }

  function unit(dx, dy) {
    var length = Math.hypot(dx, dy);
    return length ? [dx / length, dy / length] : [1, 0];
  }

  /* The outline of layers/briefing/arrows.py arrow_outline (same numbers). */
  function arrowOutline(points, sizes, curved, steps) {
    var path = curved ? smooth(points, steps) : points.slice();
    path = path.filter(function (p, i) {
      return i === 0 || p[0] !== path[i - 1][0] || p[1] !== path[i - 1][1];
    });
    if (path.length < 2) { return []; }
    var lengths = [0];
    for (var i = 1; i < path.length; i++) {
      lengths.push(lengths[i - 1] + Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]));
    }
    var total = lengths[lengths.length - 1];
    var scale = sizes.head_length ? Math.min(1, total / (2 * sizes.head_length)) : 1;
    var headLength = sizes.head_length * scale, baseAt = total - headLength;
    var body = path.filter(function (p, j) { return lengths[j] < baseAt; });
    var index = body.length, a = path[index - 1], b = path[index];
    var span = lengths[index] - lengths[index - 1];
    var t = span ? (baseAt - lengths[index - 1]) / span : 0;
    var base = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    body.push(base);
    var left = [], right = [];
    body.forEach(function (p, j) {
      var before = body[Math.max(0, j - 1)], after = body[Math.min(body.length - 1, j + 1)];
      var u = unit(after[0] - before[0], after[1] - before[1]);
      var share = (j < body.length - 1 && baseAt) ? lengths[j] / baseAt : 1;
      var half = (sizes.tail + (sizes.body - sizes.tail) * share) * scale / 2;
      left.push([p[0] - u[1] * half, p[1] + u[0] * half]);
      right.push([p[0] + u[1] * half, p[1] - u[0] * half]);
    });
    var tip = path[path.length - 1], v = unit(tip[0] - base[0], tip[1] - base[1]);
    var halfHead = sizes.head_width * scale / 2;
    return left.concat([[base[0] - v[1] * halfHead, base[1] + v[0] * halfHead], tip,
      [base[0] + v[1] * halfHead, base[1] - v[0] * halfHead]], right.reverse());
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* A toolbar button: a symbol hidden from screen readers, then its name (the name a
     screen reader says is the visible text). */
  function button(symbol, name, title) {
    var node = el("button", "bm-ann-tool");
    node.type = "button";
    if (symbol) {
      var icon = el("span", "bm-ann-icon", symbol);
      icon.setAttribute("aria-hidden", "true");
      node.appendChild(icon);
      node.appendChild(document.createTextNode(" "));
    }
    node.appendChild(document.createTextNode(name));
    if (title) { node.title = title; }
    return node;
  }

  function round(v) { return Math.round(v * 1e5) / 1e5; }

  function clean(text) { return String(text || "").replace(/\s+/g, " ").trim(); }

  /* One annotation as the app holds it, from a GeoJSON feature (null if unusable). */
  function fromFeature(feature, opts) {
    var p = (feature && feature.properties) || {}, g = feature && feature.geometry;
    if (!g || !opts.kinds[p.kind]) { return null; }
    var c = g.coordinates, path;
    if (g.type === "Point") { path = [c]; }
    else if (g.type === "Polygon") { path = c[0].slice(0, -1); }
    else { path = c; }
    return {
      kind: p.kind, label: clean(p.label), colour: opts.palette[p.colour] ? p.colour : opts.colour,
      curved: p.kind === "arrow" && !!p.curved, symbol: opts.symbols.indexOf(p.symbol) >= 0 ? p.symbol : "dot",
      path: path.map(function (xy) { return [round(+xy[0]), round(+xy[1])]; })
    };
  }

  function toFeature(a) {
    var path = a.path.map(function (xy) { return [xy[0], xy[1]]; }), geometry;
    if (a.kind === "text" || a.kind === "point") { geometry = {type: "Point", coordinates: path[0]}; }
    else if (a.kind === "area") { geometry = {type: "Polygon", coordinates: [path.concat([path[0]])]}; }
    else { geometry = {type: "LineString", coordinates: path}; }
    var props = {kind: a.kind, label: a.label, colour: a.colour};
    if (a.kind === "arrow") { props.curved = a.curved; }
    if (a.kind === "point") { props.symbol = a.symbol; }
    return {type: "Feature", properties: props, geometry: geometry};
  }

  function complete(a, opts) {
    return !(opts.labelled.indexOf(a.kind) >= 0 && !a.label);
  }

  function canon(list) {
    return JSON.stringify(list.map(function (a) {
      return [a.kind, a.label, a.colour, a.curved, a.symbol, a.path];
    }));
  }

  function Annotator(map, opts) {
    this.map = map;
    this.opts = opts;
    this.items = [];
    this.history = [];
    this.selected = -1;
    this.drawing = null;
    this.loaded = false;
    this.colour = opts.colour;
    map.createPane("bmAnnotations").style.zIndex = 640;
    map.createPane("bmAnnotationText").style.zIndex = 645;  // texts above leaders
    map.createPane("bmAnnotationHandles").style.zIndex = 660;  // handles above all
    this.layer = L.layerGroup().addTo(map);
    this.handles = L.layerGroup().addTo(map);
    map.on("zoomend", this.render, this);
    if (opts.editable) { this.editor(); }
  }

  Annotator.prototype.reported = function () {
    var opts = this.opts;
    return this.items.filter(function (a) { return complete(a, opts); });
  };

  /* What streamlit-folium reads on 'draw:edited' (see the header). */
  Annotator.prototype.toGeoJSON = function () {
    return {type: "FeatureCollection", features: this.reported().map(toFeature)};
  };

  Annotator.prototype.report = function () {
    var data = window.__GLOBAL_DATA__;
    // latlng: the last object clicked stays as it was, so no click is reported with it
    this.map.fire("draw:edited", {latlng: data ? data.last_object_clicked : null});
  };

  Annotator.prototype.commit = function (items, select) {
    this.history.push(this.items);
    if (this.history.length > this.opts.history) { this.history.shift(); }
    this.items = items;
    this.selected = select === undefined ? -1 : select;
    this.render();
    this.report();
  };

  Annotator.prototype.undo = function () {
    if (!this.history.length) { this.say("Nothing to undo."); return; }
    this.items = this.history.pop();
    this.selected = -1;
    this.render();
    this.report();
    this.say("Undone.");
  };

  /* Annotations from the app (a page load, an upload, an undo there, Back or Forward). */
  Annotator.prototype.load = function (features) {
    var opts = this.opts;
    var given = features.map(function (f) { return fromFeature(f, opts); }).filter(Boolean);
    if (canon(given) === canon(this.reported())) { this.loaded = true; return; }
    if (this.loaded) { this.history.push(this.items); }
    this.loaded = true;
    this.items = given;
    this.selected = -1;
    this.render();
  };

  Annotator.prototype.point = function (xy) {
    return this.map.latLngToLayerPoint([xy[1], xy[0]]);
  };

  Annotator.prototype.latlng = function (p) {
    var ll = this.map.layerPointToLatLng(L.point(p[0], p[1]));
    return [ll.lat, ll.lng];
  };

  Annotator.prototype.label = function (a, xy, cls) {
    var span = el("span", "bm-ann-text " + cls, a.label);
    span.style.setProperty("--bm-ann", this.opts.palette[a.colour]);
    return L.marker([xy[1], xy[0]], {
      pane: "bmAnnotationText", keyboard: false, interactive: this.opts.editable,
      icon: L.divIcon({className: "bm-ann-label", html: span, iconSize: null})
    });
  };

  Annotator.prototype.middle = function (path) {
    var m = Math.floor(path.length / 2);
    if (path.length % 2) { return path[m]; }
    return [(path[m - 1][0] + path[m][0]) / 2, (path[m - 1][1] + path[m][1]) / 2];
  };

  Annotator.prototype.shapes = function (a) {
    var colour = this.opts.palette[a.colour], self = this, parts = [];
    var lls = a.path.map(function (xy) { return [xy[1], xy[0]]; });
    var common = {pane: "bmAnnotations", interactive: this.opts.editable};
    if (a.kind === "arrow") {
      var pts = a.path.map(function (xy) { var p = self.point(xy); return [p.x, p.y]; });
      var outline = arrowOutline(pts, this.opts.sizes, a.curved, this.opts.steps);
      parts.push(L.polygon(outline.map(function (p) { return self.latlng(p); }),
        L.extend({color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 1, className: "bm-ann-arrow"}, common)));
      if (a.label) { parts.push(this.label(a, this.middle(a.path), "bm-ann-along")); }
    } else if (a.kind === "callout") {
      parts.push(L.polyline(lls, L.extend({color: colour, weight: 2}, common)));
      parts.push(L.circleMarker(lls[0], L.extend({radius: 4, color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 1}, common)));
      parts.push(this.label(a, a.path[1], "bm-ann-box"));
    } else if (a.kind === "text") {
      parts.push(this.label(a, a.path[0], "bm-ann-free"));
    } else if (a.kind === "line") {
      parts.push(L.polyline(lls, L.extend({color: colour, weight: 3.5, lineCap: "round"}, common)));
      if (a.label) { parts.push(this.label(a, this.middle(a.path), "bm-ann-along")); }
    } else if (a.kind === "area") {
      parts.push(L.polygon(lls, L.extend({color: colour, weight: 2.5, dashArray: "8 3", fillColor: colour, fillOpacity: 0.18}, common)));
      if (a.label) {
        var c = L.polygon(lls).getBounds().getCenter();
        parts.push(this.label(a, [c.lng, c.lat], "bm-ann-free"));
      }
    } else {
      parts.push(L.marker(lls[0], L.extend({keyboard: false, icon: this.symbol(a)}, common)));
      if (a.label) { parts.push(this.label(a, a.path[0], "bm-ann-side")); }
    }
    return parts;
  };

  Annotator.prototype.symbol = function (a) {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "18"); svg.setAttribute("height", "18");
    svg.setAttribute("viewBox", "-9 -9 18 18");
    var shapes = {
      dot: ["circle", {r: "6"}],
      square: ["rect", {x: "-5.5", y: "-5.5", width: "11", height: "11"}],
      triangle: ["path", {d: "M0,-7 L6.5,5 L-6.5,5 Z"}],
      star: ["path", {d: "M0,-8 L2.2,-2.6 L7.6,-2.5 L3.4,1.1 L4.9,6.5 L0,3.4 L-4.9,6.5 L-3.4,1.1 L-7.6,-2.5 L-2.2,-2.6 Z"}]
    };
    var spec = shapes[a.symbol] || shapes.dot, shape = document.createElementNS(ns, spec[0]);
    Object.keys(spec[1]).forEach(function (k) { shape.setAttribute(k, spec[1][k]); });
    shape.setAttribute("fill", this.opts.palette[a.colour]);
    shape.setAttribute("stroke", "#ffffff");
    shape.setAttribute("stroke-width", "1.5");
    svg.appendChild(shape);
    return L.divIcon({className: "bm-ann-symbol", html: svg, iconSize: [18, 18], iconAnchor: [9, 9]});
  };

  Annotator.prototype.render = function () {
    var self = this;
    this.layer.clearLayers();
    this.handles.clearLayers();
    this.items.forEach(function (a, index) {
      self.shapes(a).forEach(function (part) {
        if (self.opts.editable) {
          part.on("click", function (e) {
            if (self.drawing) { return; }
            L.DomEvent.stop(e);
            self.select(index);
          });
        }
        self.layer.addLayer(part);
      });
    });
    if (this.drawing) { this.drawDraft(); }
    if (this.opts.editable) {
      if (this.selected >= 0 && this.items[this.selected]) { this.drawHandles(); }
      this.showForm();
    }
  };

  // --- editing -------------------------------------------------------------------------

  Annotator.prototype.say = function (text) {
    if (this.status) { this.status.textContent = text; }
  };

  Annotator.prototype.editor = function () {
    var self = this, map = this.map;
    var bar = L.control({position: "topleft"});
    bar.onAdd = function () {
      var box = el("div", "bm-control bm-ann-toolbar");
      box.setAttribute("role", "toolbar");
      box.setAttribute("aria-label", "Draw on the map");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      self.tools = {};
      var toggle = button("✎", "Draw", "Draw on the map: arrows, callouts, text, lines, areas, symbols");
      toggle.classList.add("bm-ann-toggle");
      toggle.setAttribute("aria-expanded", "false");
      var list = el("div", "bm-ann-tools");
      list.hidden = true;
      toggle.addEventListener("click", function () {
        list.hidden = !list.hidden;
        toggle.setAttribute("aria-expanded", String(!list.hidden));
        if (list.hidden) { self.cancel(true); self.select(-1); }
      });
      box.appendChild(toggle);
      box.appendChild(list);
      Object.keys(self.opts.kinds).forEach(function (kind) {
        var tool = button(self.opts.short[kind][0], self.opts.short[kind][1],
          "Draw: " + self.opts.titles[kind]);
        tool.setAttribute("aria-pressed", "false");
        tool.addEventListener("click", function () { self.start(kind); });
        self.tools[kind] = tool;
        list.appendChild(tool);
      });
      self.drawButtons = el("div", "bm-ann-drawing");
      [["Add centre", "Add the map's centre as a point (Enter)", function () { self.addCentre(); }],
       ["Finish", "Finish the shape (double-click)", function () { self.finish(); }],
       ["Cancel", "Stop drawing (Esc)", function () { self.cancel(); }]].forEach(function (spec) {
        var b = button("", spec[0], spec[1]);
        b.addEventListener("click", spec[2]);
        self.drawButtons.appendChild(b);
      });
      self.drawButtons.hidden = true;
      list.appendChild(self.drawButtons);
      var undo = button("↶", "Undo", "Undo the last change (Ctrl+Z)");
      undo.addEventListener("click", function () { self.undo(); });
      list.appendChild(undo);
      self.status = el("div", "bm-ann-status");
      self.status.setAttribute("role", "status");
      self.status.setAttribute("aria-live", "polite");
      box.appendChild(self.status);
      return box;
    };
    bar.addTo(map);
    var form = L.control({position: "topright"});
    form.onAdd = function () {
      self.form = el("div", "bm-control bm-ann-form");
      self.form.hidden = true;
      self.form.setAttribute("role", "group");
      L.DomEvent.disableClickPropagation(self.form);
      L.DomEvent.disableScrollPropagation(self.form);
      return self.form;
    };
    form.addTo(map);
    this.cross = el("div", "bm-ann-cross");
    this.cross.hidden = true;
    map.getContainer().appendChild(this.cross);
    map.on("click", function (e) { if (self.drawing) { self.add([round(e.latlng.lng), round(e.latlng.lat)]); } });
    map.on("dblclick", function (e) { if (self.drawing) { L.DomEvent.stop(e); self.finish(); } });
    map.getContainer().addEventListener("keydown", function (e) { self.key(e); });
  };

  Annotator.prototype.key = function (e) {
    var target = e.target, typing = target && ["INPUT", "TEXTAREA", "SELECT"].indexOf(target.tagName) >= 0;
    if (typing) { return; }
    if ((e.ctrlKey || e.metaKey) && (e.key === "z" || e.key === "Z")) { e.preventDefault(); this.undo(); return; }
    if (e.key === "Escape") {
      if (this.drawing) { this.cancel(); } else if (this.selected >= 0) { this.select(-1); }
      return;
    }
    if (this.drawing && e.key === "Enter" && target === this.map.getContainer()) {
      e.preventDefault(); this.addCentre(); return;
    }
    if (!this.drawing && this.selected >= 0 && (e.key === "Delete" || e.key === "Backspace")
        && target && target.classList && target.classList.contains("bm-ann-handle")) {
      e.preventDefault(); this.remove(this.selected);
    }
  };

  Annotator.prototype.start = function (kind) {
    if (this.items.length >= this.opts.max) {
      this.say("At most " + this.opts.max + " annotations: delete one first."); return;
    }
    this.cancel(true);
    this.select(-1, true);
    this.drawing = {kind: kind, path: []};
    this.tools[kind].setAttribute("aria-pressed", "true");
    this.map.doubleClickZoom.disable();
    this.map.getContainer().classList.add("bm-drawing");
    this.drawButtons.hidden = false;
    this.cross.hidden = false;
    var needs = {text: "Click where the text goes", point: "Click where the symbol goes",
      callout: "Click the point it refers to, then where its text goes"}[kind]
      || "Click to add points; double-click or Finish to end";
    this.say(needs + " (Esc cancels; Enter or Add centre adds the map's centre).");
    this.render();
  };

  Annotator.prototype.cancel = function (quiet) {
    if (!this.drawing) { return; }
    this.tools[this.drawing.kind].setAttribute("aria-pressed", "false");
    this.drawing = null;
    this.map.doubleClickZoom.enable();
    this.map.getContainer().classList.remove("bm-drawing");
    this.drawButtons.hidden = true;
    this.cross.hidden = true;
    if (!quiet) { this.say("Drawing cancelled."); }
    this.render();
  };

  Annotator.prototype.addCentre = function () {
    if (!this.drawing) { return; }
    var c = this.map.getCenter();
    this.add([round(c.lng), round(c.lat)]);
  };

  Annotator.prototype.add = function (xy) {
    var d = this.drawing, last = d.path[d.path.length - 1];
    if (last && last[0] === xy[0] && last[1] === xy[1]) { return; }
    if (d.path.length >= this.opts.vertices) { this.finish(); return; }
    d.path.push(xy);
    var single = d.kind === "text" || d.kind === "point";
    if (single || (d.kind === "callout" && d.path.length === 2)) { this.finish(); return; }
    this.say(d.path.length + " point" + (d.path.length === 1 ? "" : "s") + ".");
    this.render();
  };

  Annotator.prototype.finish = function () {
    var d = this.drawing;
    if (!d) { return; }
    var least = {arrow: 2, line: 2, callout: 2, area: 3}[d.kind] || 1;
    if (d.path.length < least) { this.say("Needs at least " + least + " points."); return; }
    this.cancel(true);
    var a = {kind: d.kind, label: "", colour: this.colour, curved: false, symbol: "dot", path: d.path};
    this.commit(this.items.concat([a]), this.items.length);
    this.say(this.opts.labelled.indexOf(a.kind) >= 0 ? "Type its text." : "Added; give it a label if you like.");
    if (this.labelInput) { this.labelInput.focus(); }
  };

  Annotator.prototype.drawDraft = function () {
    var d = this.drawing, lls = d.path.map(function (xy) { return [xy[1], xy[0]]; });
    var colour = this.opts.palette[this.colour];
    if (lls.length > 1) {
      this.layer.addLayer(L.polyline(lls, {pane: "bmAnnotations", color: colour, weight: 2, dashArray: "4 4", interactive: false}));
    }
    lls.forEach(function (ll) {
      this.layer.addLayer(L.circleMarker(ll, {pane: "bmAnnotations", radius: 4, color: colour, interactive: false}));
    }, this);
  };

  Annotator.prototype.select = function (index, quiet) {
    this.selected = index;
    if (!quiet) { this.render(); }
    if (index >= 0 && this.labelInput && !quiet) { this.labelInput.focus(); }
  };

  Annotator.prototype.remove = function (index) {
    var items = this.items.slice();
    items.splice(index, 1);
    this.commit(items);
    this.say("Deleted.");
    this.map.getContainer().focus({preventScroll: true});
  };

  Annotator.prototype.change = function (index, changes) {
    var items = this.items.slice();
    items[index] = L.extend({}, items[index], changes);
    this.commit(items, index);
  };

  Annotator.prototype.drawHandles = function () {
    var self = this, a = this.items[this.selected], index = this.selected;
    var moveTo = function (k, xy) {
      var path = a.path.slice();
      if (k < 0) {
        var c = self.centre(a), dx = xy[0] - c[0], dy = xy[1] - c[1];
        path = path.map(function (p) { return [round(p[0] + dx), round(p[1] + dy)]; });
      } else {
        path[k] = xy;
      }
      self.change(index, {path: path});
    };
    var handle = function (k, xy, title) {
      var marker = L.marker([xy[1], xy[0]], {
        draggable: true, keyboard: true, title: title, pane: "bmAnnotationHandles",
        icon: L.divIcon({className: "bm-ann-handle" + (k < 0 ? " bm-ann-move" : ""), iconSize: [14, 14]})
      });
      marker.on("dragend", function () {
        var ll = marker.getLatLng();
        moveTo(k, [round(ll.lng), round(ll.lat)]);
      });
      marker.on("add", function () {
        var node = marker.getElement();
        node.setAttribute("aria-label", title + " (arrow keys move it)");
        node.addEventListener("keydown", function (e) {
          var steps = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]}[e.key];
          if (!steps) { return; }
          e.preventDefault(); e.stopPropagation();
          var by = e.shiftKey ? 25 : 5, p = self.point(k < 0 ? self.centre(a) : a.path[k]);
          var ll = self.map.layerPointToLatLng(L.point(p.x + steps[0] * by, p.y + steps[1] * by));
          self.focusAfter = k;
          moveTo(k, [round(ll.lng), round(ll.lat)]);
        });
      });
      self.handles.addLayer(marker);
      if (self.focusAfter === k) { marker.getElement().focus({preventScroll: true}); }
    };
    a.path.forEach(function (xy, k) { handle(k, xy, "Point " + (k + 1) + " of " + a.path.length); });
    if (a.path.length > 1) { handle(-1, this.centre(a), "Move the whole annotation"); }
    this.focusAfter = undefined;
  };

  Annotator.prototype.centre = function (a) {
    var x = 0, y = 0;
    a.path.forEach(function (p) { x += p[0]; y += p[1]; });
    return [round(x / a.path.length), round(y / a.path.length)];
  };

  Annotator.prototype.showForm = function () {
    var self = this, form = this.form, index = this.selected, a = this.items[index];
    if (!form) { return; }
    if (!a) { form.hidden = true; this.labelInput = null; return; }
    var keepFocus = document.activeElement && form.contains(document.activeElement)
      ? document.activeElement.getAttribute("data-bm") : null;
    form.textContent = "";
    form.hidden = false;
    form.setAttribute("aria-label", "Annotation " + (index + 1));
    form.appendChild(el("div", "bm-ann-form-title", "Annotation " + (index + 1) + ": " + this.opts.titles[a.kind]));
    var field = el("label", "bm-ann-field", "Label ");
    var input = el("input");
    input.type = "text"; input.value = a.label; input.maxLength = this.opts.label;
    input.setAttribute("data-bm", "label");
    input.placeholder = this.opts.labelled.indexOf(a.kind) >= 0 ? "required" : "optional";
    var apply = function () {
      var text = clean(input.value);
      if (text !== a.label) { self.change(index, {label: text}); }
    };
    input.addEventListener("change", apply);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); apply(); self.select(-1); self.map.getContainer().focus({preventScroll: true}); }
      if (e.key === "Escape") { self.select(-1); }
    });
    field.appendChild(input);
    form.appendChild(field);
    var swatches = el("div", "bm-ann-swatches");
    swatches.setAttribute("role", "group");
    swatches.setAttribute("aria-label", "Colour");
    this.opts.order.forEach(function (name) {
      var b = el("button", "bm-ann-swatch");
      b.type = "button"; b.title = name;
      b.setAttribute("aria-label", "Colour " + name);
      b.setAttribute("aria-pressed", String(a.colour === name));
      b.setAttribute("data-bm", "colour-" + name);
      b.style.background = self.opts.palette[name];
      b.addEventListener("click", function () { self.colour = name; self.change(index, {colour: name}); });
      swatches.appendChild(b);
    });
    form.appendChild(swatches);
    if (a.kind === "arrow") {
      var curved = el("label", "bm-ann-field"), box = el("input");
      box.type = "checkbox"; box.checked = a.curved; box.setAttribute("data-bm", "curved");
      box.addEventListener("change", function () { self.change(index, {curved: box.checked}); });
      curved.appendChild(box); curved.appendChild(document.createTextNode(" Curved"));
      form.appendChild(curved);
    }
    if (a.kind === "point") {
      var pick = el("label", "bm-ann-field", "Symbol "), select = el("select");
      select.setAttribute("data-bm", "symbol");
      this.opts.symbols.forEach(function (name) {
        var option = el("option", null, name); option.value = name; option.selected = a.symbol === name;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { self.change(index, {symbol: select.value}); });
      pick.appendChild(select);
      form.appendChild(pick);
    }
    var row = el("div", "bm-ann-row");
    var del = button("", "Delete"), done = button("", "Done");
    del.setAttribute("data-bm", "delete"); done.setAttribute("data-bm", "done");
    del.addEventListener("click", function () { self.remove(index); });
    done.addEventListener("click", function () { apply(); self.select(-1); self.map.getContainer().focus({preventScroll: true}); });
    row.appendChild(del); row.appendChild(done);
    form.appendChild(row);
    this.labelInput = input;
    if (keepFocus) {
      var again = form.querySelector("[data-bm='" + keepFocus + "']");
      if (again) { again.focus({preventScroll: true}); }
    }
  };

  function attach(map, opts) {
    if (!map.bmAnnotator) { map.bmAnnotator = new Annotator(map, opts); }
    return map.bmAnnotator;
  }

  function load(map, json) {
    if (map.bmAnnotator) { map.bmAnnotator.load(JSON.parse(json)); }
  }

  window.BmAnnotate = {attach: attach, load: load, arrowOutline: arrowOutline, smooth: smooth};
})();
