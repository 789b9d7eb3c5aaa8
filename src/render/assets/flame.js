/*
 * flame.js - ember's flame graph viewer, embedded into every SVG that
 * `ember flame` writes (settings come from ember_config, written before
 * this script). Hover shows a frame's details, click zooms, "Reset Zoom"
 * restores, Ctrl-F / F3 / "Search" asks for a regular expression, "ic"
 * toggles case, and the zoom and search are kept in the URL.
 *
 * Speed on big graphs: opening does no per-frame work; frame geometry is
 * read from the DOM into typed arrays at the first zoom or search; events
 * are handled by one listener on the frames group;
 * zoom and search touch only frames whose state changes, and names are
 * read from the titles only when a search needs them.
 */
"use strict";
var E = {
	n: 0, g: null, x: null, w: null, y: null, names: null, samples: null,
	state: null, touched: [], labels: [], zoomed: -1, term: null, ic: false, fills: null, total: 0,
	frames: null, details: null, matched: null, unzoom: null, searchbtn: null, icbtn: null,
	searchcolor: "rgb(230,0,230)"
};

function init(evt) {
	var frames = document.getElementById("frames");

	E.details = document.getElementById("details").firstChild;
	E.matched = document.getElementById("matched");
	E.unzoom = document.getElementById("unzoom");
	E.searchbtn = document.getElementById("search");
	E.icbtn = document.getElementById("ignorecase");
	E.frames = frames;
	/* nothing per frame here: opening a big graph costs only the parse */
	frames.addEventListener("mouseover", function (e) {
		var g = group_of(e.target);
		if (g)
			E.details.nodeValue = ember_config.nametype + " " + title_text(g);
	});
	frames.addEventListener("mouseout", function (e) {
		E.details.nodeValue = " ";
	});
	frames.addEventListener("click", function (e) {
		var i = frame_of(e.target);
		if (i < 0)
			return;
		e.preventDefault();
		zoom(i);
		set_param("x", E.x[i]);
		set_param("y", E.y[i]);
	});
	E.unzoom.addEventListener("click", function () {
		unzoom();
		set_param("x", null);
		set_param("y", null);
	});
	E.searchbtn.addEventListener("click", function () {
		if (E.term === null)
			search_prompt();
		else
			reset_search();
	});
	E.icbtn.addEventListener("click", function () {
		E.ic = !E.ic;
		E.icbtn.classList.toggle("show", E.ic);
		set_param("i", E.ic ? "1" : null);
		if (E.term !== null)
			search(E.term);
	});
	window.addEventListener("keydown", function (e) {
		if (e.keyCode === 114 || ((e.ctrlKey || e.metaKey) && e.keyCode === 70)) {
			e.preventDefault();
			search_prompt();
		} else if (e.ctrlKey && e.keyCode === 73) {
			e.preventDefault();
			E.icbtn.dispatchEvent(new MouseEvent("click"));
		} else if (e.keyCode === 27 && E.term !== null) {
			reset_search();
		}
	}, false);
	restore_from_url();
}

/* Frame geometry, read from the DOM once, the first time a zoom or search needs it. */
function load_frames() {
	var i, r;
	if (E.x)
		return;
	E.g = E.frames.children;
	E.n = E.g.length;
	E.x = new Float64Array(E.n);
	E.w = new Float64Array(E.n);
	E.y = new Float64Array(E.n);
	E.state = new Uint8Array(E.n);	/* 0 normal, 1 zoomed/scaled, 2 parent, 3 hidden */
	E.rects = new Array(E.n);
	E.texts = new Array(E.n);
	for (i = 0; i < E.n; i++) {
		/* ember writes title, rect and (when there is a label) text, in that order */
		r = E.rects[i] = E.g[i].children[1];
		E.texts[i] = E.g[i].children[2] || null;
		E.x[i] = parseFloat(r.getAttribute("x"));
		E.w[i] = parseFloat(r.getAttribute("width"));
		E.y[i] = parseFloat(r.getAttribute("y"));
		E.g[i].ember_i = i;
	}
}

function group_of(el) {
	while (el && el.parentNode !== E.frames)
		el = el.parentNode;
	return el;
}

function title_text(g) {
	var t = g.getElementsByTagName("title")[0];
	return t && t.firstChild ? t.firstChild.nodeValue : "";
}

function frame_of(el) {
	var g = group_of(el);
	if (!g)
		return -1;
	load_frames();
	return g.ember_i;
}

function title_of(i) {
	var t = E.g[i].firstElementChild;
	return t && t.firstChild ? t.firstChild.nodeValue : "";
}

/* Names and counts, read from the titles the first time a search needs them. */
function load_names() {
	var i, t, k, m;
	if (E.names)
		return;
	load_frames();
	E.names = new Array(E.n);
	E.samples = new Float64Array(E.n);
	for (i = 0; i < E.n; i++) {
		t = title_of(i);
		k = t.lastIndexOf(" (");
		E.names[i] = k >= 0 ? t.substring(0, k) : t;
		m = /^ \(([0-9,]+)/.exec(t.substring(k));
		E.samples[i] = m ? parseFloat(m[1].replace(/,/g, "")) : 0;
		if (E.samples[i] > E.total)
			E.total = E.samples[i];
	}
}

function fit_label(name, width) {
	var chars = Math.floor(width / (ember_config.fontsize * ember_config.fontwidth));
	if (chars < 3)
		return "";
	if (name.length <= chars)
		return name;
	return name.substring(0, chars - 2) + "..";
}

function frame_name(i) {
	if (E.names)
		return E.names[i];
	var t = title_of(i), k = t.lastIndexOf(" (");
	return k >= 0 ? t.substring(0, k) : t;
}

/* Move frame i to x, width w; label undefined = fit the name to the new width. */
function place(i, x, w, label) {
	var r = E.rects[i], t = E.texts[i];
	r.setAttribute("x", x.toFixed(1));
	r.setAttribute("width", w.toFixed(1));
	if (label === undefined)
		label = fit_label(frame_name(i), w);
	if (!t) {
		/* ember writes no <text> for frames too narrow for a label */
		if (label === "")
			return;
		t = E.texts[i] = document.createElementNS("http://www.w3.org/2000/svg", "text");
		t.setAttribute("y", (E.y[i] + parseFloat(r.getAttribute("height")) / 2 + 3).toString());
		E.g[i].appendChild(t);
	}
	if (label !== "" || t.firstChild) {
		t.setAttribute("x", (x + 3).toFixed(2));
		if (t.textContent !== label)
			t.textContent = label;
	}
}

function set_state(i, s) {
	var g = E.g[i], t;
	if (E.state[i] === s)
		return;
	if (E.state[i] === 0) {
		/* first change since the last reset: remember what ember drew */
		E.touched.push(i);
		t = E.texts[i];
		E.labels.push(t ? t.textContent : "");	/* "" when ember wrote no label */
	}
	g.classList.toggle("hide", s === 3);
	g.classList.toggle("parent", s === 2);
	E.state[i] = s;
}

function zoom(z) {
	var cfg = ember_config, full = cfg.width - 2 * cfg.xpad;
	var x0 = E.x[z], w0 = E.w[z], y0 = E.y[z], ratio = full / w0, fudge = 0.051;
	var i, x, w, above;

	unzoom_frames();
	load_names();
	E.zoomed = z;
	E.unzoom.classList.remove("hide");
	for (i = 0; i < E.n; i++) {
		x = E.x[i];
		w = E.w[i];
		above = cfg.inverted ? E.y[i] < y0 : E.y[i] > y0;
		if (above) {
			if (x <= x0 + fudge && x + w >= x0 + w0 - fudge) {
				set_state(i, 2);
				place(i, cfg.xpad, full);
			} else {
				set_state(i, 3);
			}
		} else if (x >= x0 - fudge && x + w <= x0 + w0 + fudge) {
			if (w === w0 && x === x0) {
				set_state(i, 1);
				place(i, cfg.xpad, full);
			} else {
				set_state(i, 1);
				place(i, cfg.xpad + (x - x0) * ratio, w * ratio);
			}
		} else {
			set_state(i, 3);
		}
	}
}

/* Put back every frame the last zoom changed. */
function unzoom_frames() {
	var k, i;
	for (k = 0; k < E.touched.length; k++) {
		i = E.touched[k];
		place(i, E.x[i], E.w[i], E.labels[k]);
		E.g[i].classList.remove("hide", "parent");
		E.state[i] = 0;
	}
	E.touched = [];
	E.labels = [];
	E.zoomed = -1;
}

function unzoom() {
	unzoom_frames();
	E.unzoom.classList.add("hide");
}

function search_prompt() {
	var term = prompt("Highlight frames whose name matches this regular expression" +
			  (E.ic ? " (case ignored)" : " (case sensitive; 'ic' or Ctrl-I changes it)") +
			  ", e.g. ^ext4_|malloc", E.term || "");
	if (term !== null && term !== "")
		search(term);
}

function reset_search() {
	var i, r;
	if (E.fills) {
		for (i = 0; i < E.n; i++) {
			if (E.fills[i] !== undefined) {
				E.rects[i].setAttribute("fill", E.fills[i]);
			}
		}
	}
	E.fills = null;
	E.term = null;
	E.matched.classList.add("hide");
	E.searchbtn.classList.remove("show");
	E.searchbtn.firstChild.nodeValue = "Search";
	set_param("s", null);
}

function search(term) {
	var re, i, r, hits = [], count = 0, lastx = -1, lastw = 0, k, pct;
	try {
		re = new RegExp(term, E.ic ? "i" : "");
	} catch (err) {
		E.matched.classList.remove("hide");
		E.matched.firstChild.nodeValue = "Bad regexp";
		return;
	}
	if (E.term !== null)
		reset_search();
	load_names();
	E.fills = new Array(E.n);
	for (i = 0; i < E.n; i++) {
		if (!re.test(E.names[i]))
			continue;
		r = E.rects[i];
		E.fills[i] = r.getAttribute("fill");
		r.setAttribute("fill", E.searchcolor);
		hits.push(i);
	}
	E.term = term;
	set_param("s", term);
	E.searchbtn.classList.add("show");
	E.searchbtn.firstChild.nodeValue = "Reset Search";
	/* share of the total, nested matches counted once: outermost first by x */
	hits.sort(function (a, b) { return E.x[a] - E.x[b] || E.w[b] - E.w[a]; });
	for (k = 0; k < hits.length; k++) {
		i = hits[k];
		if (E.x[i] + E.w[i] > lastx + lastw + 0.051 || E.x[i] < lastx - 0.051) {
			count += E.samples[i];
			lastx = E.x[i];
			lastw = E.w[i];
		}
	}
	pct = E.total > 0 ? 100 * count / E.total : 0;
	E.matched.classList.remove("hide");
	E.matched.firstChild.nodeValue = "Matched: " + (pct === 100 ? "100" : pct.toFixed(1)) + "%";
}

function get_params() {
	var p = {}, q = document.location.search.substring(1).split("&"), k, kv;
	for (k = 0; k < q.length; k++) {
		if (!q[k])
			continue;
		kv = q[k].split("=");
		p[decodeURIComponent(kv[0])] = kv.length > 1 ? decodeURIComponent(kv.slice(1).join("=")) : "";
	}
	return p;
}

function set_param(name, value) {
	var p = get_params(), s = [], k;
	if (value === null)
		delete p[name];
	else
		p[name] = String(value);
	for (k in p)
		if (Object.prototype.hasOwnProperty.call(p, k))
			s.push(encodeURIComponent(k) + "=" + encodeURIComponent(p[k]));
	try {
		history.replaceState(null, null, (s.length ? "?" + s.join("&") : document.location.pathname) +
				     document.location.hash);
	} catch (err) {
		/* file:// URLs in some browsers refuse; the view still works */
	}
}

function restore_from_url() {
	var p = get_params(), i, x, y;
	if (p.x !== undefined || p.s)
		load_frames();
	if (p.i === "1") {
		E.ic = true;
		E.icbtn.classList.add("show");
	}
	if (p.x !== undefined && p.y !== undefined) {
		x = parseFloat(p.x);
		y = parseFloat(p.y);
		for (i = 0; i < E.n; i++) {
			if (Math.abs(E.x[i] - x) < 0.01 && Math.abs(E.y[i] - y) < 0.01) {
				zoom(i);
				break;
			}
		}
	}
	if (p.s)
		search(p.s);
}
