// live.js keeps an element current from a Server-Sent Events stream:
// <div data-live="/stream" data-live-events="type other.type" hx-get=… hx-trigger="live">.
// Each listed event asks htmx for the element's fragment again (debounced);
// the browser's EventSource reconnects after a drop by itself, and a
// stream the server refused (an error status, a restart behind a proxy)
// is reopened here after a pause. After any reconnect the fragment is
// fetched once, for what happened meanwhile. The element's
// data-live-refreshes counts the refreshes the stream caused and
// data-live-down-since says since when (ms) the stream is down.
(function () {
  "use strict";
  var debounce = 300, reopen = 15000;

  function watch(el) {
    var types = (el.getAttribute("data-live-events") || "").split(/\s+/).filter(Boolean);
    var timer = null, source = null, wasDown = false;
    el.setAttribute("data-live-refreshes", "0");

    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!document.body.contains(el)) { return; }
        el.setAttribute("data-live-refreshes", String(Number(el.getAttribute("data-live-refreshes")) + 1));
        htmx.trigger(el, "live");
      }, debounce);
    }

    function down() {
      if (!el.hasAttribute("data-live-down-since")) {
        el.setAttribute("data-live-down-since", String(Date.now()));
      }
      wasDown = true;
    }

    function open() {
      if (!document.body.contains(el)) { return; }
      source = new EventSource(el.getAttribute("data-live"));
      types.forEach(function (t) { source.addEventListener(t, refresh); });
      source.onopen = function () {
        el.removeAttribute("data-live-down-since");
        el.setAttribute("data-live-state", "open");
        if (wasDown) { wasDown = false; refresh(); }
      };
      source.onerror = function () {
        if (!document.body.contains(el)) { source.close(); return; }
        el.setAttribute("data-live-state", "down");
        down();
        if (source.readyState === EventSource.CLOSED) {
          // Refused, not dropped: the browser will not retry by itself.
          // The refresh shows why (a sign-in page, a disabled screen).
          refresh();
          setTimeout(open, reopen);
        }
      };
    }
    open();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-live]"), watch);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
