/* The blur editor of the desk (desk/blurring.py): draw, move and remove rectangles over a
   photo by touch or mouse (Pointer Events), tap a red face box to blur that face. Every change
   is written into the form's number fields (the same fields the page has without JavaScript)
   and the photo is fetched again from the desk, rendered by the photo pipeline exactly as it
   will be published. Regions are pixels of the upright original photo. */
(function () {
  "use strict";
  var MIN_SIDE = 8; // css pixels: a shorter drag is a tap, not a region
  var COVERED = 0.8; // as privacy/faces.py: a face counts as blurred when 80 % is covered

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

  function coveredShare(face, regions) {
    var inside = 0;
    for (var i = 0; i < 10; i++) {
      var px = face[0] + (i + 0.5) * face[2] / 10;
      for (var j = 0; j < 10; j++) {
        var py = face[1] + (j + 0.5) * face[3] / 10;
        for (var k = 0; k < regions.length; k++) {
          var r = regions[k];
          if (r[0] <= px && px < r[0] + r[2] && r[1] <= py && py < r[1] + r[3]) { inside++; break; }
        }
      }
    }
    return inside / 100;
  }

  function faceRegion(face, w, h) { // the same margin as the "blur face" button on the server
    var mx = Math.floor(face[2] / 10), my = Math.floor(face[3] / 10);
    var x = Math.max(0, face[0] - mx), y = Math.max(0, face[1] - my);
    return [x, y, Math.min(w, face[0] + face[2] + mx) - x, Math.min(h, face[1] + face[3] + my) - y];
  }

  function Editor(root) {
    var data = JSON.parse(root.getAttribute("data-blur"));
    var n = root.getAttribute("data-photo");
    var base = root.getAttribute("data-preview");
    var img = root.querySelector("img");
    var fieldset = root.closest("fieldset");
    var tbody = fieldset.querySelector(".region-rows tbody");
    var summary = fieldset.querySelector("details.regions summary");
    var warning = fieldset.querySelector(".faces-warning");
    var regions = data.regions.map(function (r) { return r.slice(); });
    var layer = document.createElement("div");
    var timer = null;
    root.appendChild(layer);
    root.classList.add("drawing");

    function scale() { return data.w / img.getBoundingClientRect().width; }
    function point(event) {
      var rect = img.getBoundingClientRect(), s = data.w / rect.width;
      return [clamp((event.clientX - rect.left) * s, 0, data.w),
              clamp((event.clientY - rect.top) * s, 0, data.h)];
    }
    function place(el, r) {
      el.style.left = (100 * r[0] / data.w) + "%";
      el.style.top = (100 * r[1] / data.h) + "%";
      el.style.width = (100 * r[2] / data.w) + "%";
      el.style.height = (100 * r[3] / data.h) + "%";
    }
    function uncovered() {
      return data.faces.filter(function (f) { return coveredShare(f, regions) < COVERED; });
    }

    function draw() {
      layer.textContent = "";
      uncovered().forEach(function (face, k) {
        var box = document.createElement("button");
        box.type = "button";
        box.className = "face-box";
        box.setAttribute("aria-label", fieldset.querySelectorAll(".face-button")[k] ?
          fieldset.querySelectorAll(".face-button")[k].textContent : "face " + (k + 1));
        var label = document.createElement("span");
        label.textContent = String(k + 1);
        box.appendChild(label);
        place(box, face);
        box.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
        box.addEventListener("click", function () {
          regions.push(faceRegion(face, data.w, data.h));
          changed();
        });
        layer.appendChild(box);
      });
      regions.forEach(function (r, index) {
        var box = document.createElement("div");
        box.className = "blur-box";
        place(box, r);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "\u00d7";
        remove.setAttribute("aria-label", (summary ? summary.textContent.split(" (")[0] : "") +
          " " + (index + 1) + ": \u00d7");
        remove.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
        remove.addEventListener("click", function () { regions.splice(index, 1); changed(); });
        box.appendChild(remove);
        box.addEventListener("pointerdown", function (e) { move(e, index, box); });
        layer.appendChild(box);
      });
    }

    function rows() { // the number fields, as the page without JavaScript has them
      tbody.textContent = "";
      regions.concat([[null, null, null, null]]).forEach(function (r, row) {
        var tr = document.createElement("tr");
        "xywh".split("").forEach(function (c, i) {
          var td = document.createElement("td"), input = document.createElement("input");
          input.type = "number"; input.min = "0"; input.name = "b" + n + c;
          input.setAttribute("inputmode", "numeric");
          input.setAttribute("aria-label", c + " " + (row + 1));
          input.value = r[i] === null ? "" : String(r[i]);
          td.appendChild(input); tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      if (summary) summary.textContent = summary.textContent.replace(/\(\d+\)/, "(" + regions.length + ")");
      if (warning) warning.hidden = uncovered().length === 0;
    }

    function refresh() { // the published pixels, from the desk; a burst of moves asks once
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = regions.map(function (r) { return "r=" + r.join(","); }).join("&");
        img.src = base + "?set=1" + (query ? "&" + query : "");
      }, 150);
    }

    function changed() { draw(); rows(); refresh(); }

    function move(event, index, box) {
      event.preventDefault();
      event.stopPropagation();
      var start = point(event), orig = regions[index].slice();
      try { box.setPointerCapture(event.pointerId); } catch (e) { /* a synthetic event */ }
      function onMove(e) {
        var p = point(e);
        regions[index][0] = Math.round(clamp(orig[0] + p[0] - start[0], 0, data.w - orig[2]));
        regions[index][1] = Math.round(clamp(orig[1] + p[1] - start[1], 0, data.h - orig[3]));
        place(box, regions[index]);
      }
      function onUp() {
        box.removeEventListener("pointermove", onMove);
        box.removeEventListener("pointerup", onUp);
        box.removeEventListener("pointercancel", onUp);
        changed();
      }
      box.addEventListener("pointermove", onMove);
      box.addEventListener("pointerup", onUp);
      box.addEventListener("pointercancel", onUp);
    }

    root.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 && event.pointerType === "mouse") return;
      event.preventDefault();
      var start = point(event), box = document.createElement("div"), current = null;
      box.className = "blur-box new";
      layer.appendChild(box);
      try { root.setPointerCapture(event.pointerId); } catch (e) { /* a synthetic event */ }
      function onMove(e) {
        var p = point(e);
        current = [Math.round(Math.min(start[0], p[0])), Math.round(Math.min(start[1], p[1])),
                   Math.round(Math.abs(p[0] - start[0])), Math.round(Math.abs(p[1] - start[1]))];
        place(box, current);
      }
      function onUp(e) {
        root.removeEventListener("pointermove", onMove);
        root.removeEventListener("pointerup", onUp);
        root.removeEventListener("pointercancel", onUp);
        onMove(e);
        var s = scale();
        if (e.type === "pointerup" && current && current[2] >= MIN_SIDE * s && current[3] >= MIN_SIDE * s) {
          regions.push(current);
        }
        changed();
      }
      root.addEventListener("pointermove", onMove);
      root.addEventListener("pointerup", onUp);
      root.addEventListener("pointercancel", onUp);
    });

    // A region typed into the fields is drawn too.
    tbody.addEventListener("change", function () {
      var values = {};
      "xywh".split("").forEach(function (c) {
        values[c] = Array.prototype.map.call(tbody.querySelectorAll("input[name=b" + n + c + "]"),
          function (i) { return i.value.trim(); });
      });
      regions = [];
      values.x.forEach(function (_, k) {
        var r = [values.x[k], values.y[k], values.w[k], values.h[k]].map(Number);
        if (values.x[k] !== "" && r.every(function (v) { return Number.isInteger(v) && v >= 0; }) &&
            r[2] > 0 && r[3] > 0) regions.push(r);
      });
      draw(); refresh();
    });

    img.src = base; // without the red boxes baked in: the script draws them, tappable
    draw();
  }

  function start() {
    document.documentElement.classList.add("has-js");
    Array.prototype.forEach.call(document.querySelectorAll(".blur-editor"), function (root) {
      new Editor(root);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
