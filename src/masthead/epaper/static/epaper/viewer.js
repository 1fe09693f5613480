// The e-paper page viewer: arrow keys, zoom and fit-to-width, and clipping a rectangle to share.
(function () {
  "use strict";
  var viewer = document.querySelector(".ep-viewer");
  if (!viewer) { return; }
  var sheet = viewer.querySelector(".ep-sheet");
  var image = viewer.querySelector(".ep-page-image");
  var level = viewer.querySelector(".ep-zoom-level");
  var zoom = 1;
  var steps = [1, 1.5, 2, 3];

  function setZoom(value) {
    zoom = value;
    sheet.style.setProperty("--ep-zoom", String(zoom));
    sheet.classList.toggle("ep-zoomed", zoom > 1);
    if (zoom > 1 && image.dataset.large && image.getAttribute("src") !== image.dataset.large) {
      image.setAttribute("src", image.dataset.large);  // the sharp image only when needed
    }
    level.textContent = Math.round(zoom * 100) + "%";
  }

  viewer.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var at = steps.indexOf(zoom);
      if (button.dataset.zoom === "in" && at < steps.length - 1) { setZoom(steps[at + 1]); }
      if (button.dataset.zoom === "out" && at > 0) { setZoom(steps[at - 1]); }
      if (button.dataset.zoom === "fit") { setZoom(1); }
    });
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var url = event.key === "ArrowRight" ? viewer.dataset.nextUrl
      : event.key === "ArrowLeft" ? viewer.dataset.previousUrl : "";
    if (url) { event.preventDefault(); window.location.assign(url); }
    if (event.key === "+" || event.key === "=") { viewer.querySelector('[data-zoom="in"]').click(); }
    if (event.key === "-") { viewer.querySelector('[data-zoom="out"]').click(); }
  });

  // Clipping: drag a rectangle over the page; its corners go to the form in thousandths.
  var form = viewer.querySelector(".ep-clip-form");
  var start = form.querySelector('[data-clip="start"]');
  var submit = form.querySelector('[data-clip="share"]');
  var hint = form.querySelector(".ep-clip-hint");
  var box = viewer.querySelector(".ep-clip-box");
  var clipping = false;
  var origin = null;

  start.addEventListener("click", function () {
    clipping = !clipping;
    start.setAttribute("aria-pressed", String(clipping));
    sheet.classList.toggle("ep-clipping", clipping);
    hint.hidden = !clipping;
    if (!clipping) { box.hidden = true; submit.disabled = true; }
  });

  function point(event) {
    var rect = image.getBoundingClientRect();
    return {
      x: Math.min(Math.max(event.clientX - rect.left, 0), rect.width),
      y: Math.min(Math.max(event.clientY - rect.top, 0), rect.height),
      width: rect.width,
      height: rect.height
    };
  }

  function draw(a, b) {
    var left = Math.min(a.x, b.x), top = Math.min(a.y, b.y);
    var width = Math.abs(a.x - b.x), height = Math.abs(a.y - b.y);
    box.hidden = false;
    box.style.left = left + "px";
    box.style.top = top + "px";
    box.style.width = width + "px";
    box.style.height = height + "px";
    var per = function (value, whole) { return Math.round(value * 1000 / whole); };
    form.elements.x.value = per(left, a.width);
    form.elements.y.value = per(top, a.height);
    form.elements.w.value = Math.min(per(width, a.width), 1000 - per(left, a.width));
    form.elements.h.value = Math.min(per(height, a.height), 1000 - per(top, a.height));
    submit.disabled = Number(form.elements.w.value) < 20 || Number(form.elements.h.value) < 20;
  }

  image.addEventListener("pointerdown", function (event) {
    if (!clipping) { return; }
    event.preventDefault();
    origin = point(event);
    image.setPointerCapture(event.pointerId);
  });
  image.addEventListener("pointermove", function (event) {
    if (clipping && origin) { draw(origin, point(event)); }
  });
  image.addEventListener("pointerup", function (event) {
    if (clipping && origin) { draw(origin, point(event)); origin = null; }
  });
})();
