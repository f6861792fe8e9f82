// screen.js runs the lobby screen (web/templates/screen.html): it rotates
// the notices, keeps the clock, shows "disabled" when the screen's address
// was revoked, and reloads the whole page hourly and after the stream has
// been down a while, but only once the server answers, so that a screen
// nobody touches never ends on a browser error page.
(function () {
  "use strict";
  var rotateEvery = 10000, reloadEvery = 3600000, downLimit = 120000, checkEvery = 30000;
  var loadedAt = Date.now();

  function board() { return document.getElementById("board"); }

  function disabled() {
    var b = board(), off = document.getElementById("off");
    document.body.setAttribute("data-status", "404");
    if (b) { b.remove(); }
    if (off) { off.hidden = false; }
  }

  var shown = 0;
  function rotate() {
    var b = board();
    if (!b) { return; }
    var notices = b.querySelectorAll(".notice");
    if (notices.length === 0) { return; }
    shown = (shown + 1) % notices.length;
    Array.prototype.forEach.call(notices, function (n, i) { n.classList.toggle("on", i === shown); });
  }

  // offset is the server's wall clock (in the site's zone, read as UTC)
  // less the screen's clock, read from each board.
  var offset = 0;
  function tick() {
    var c = document.getElementById("clock");
    if (c) {
      if (c.hasAttribute("data-now")) {
        offset = Number(c.getAttribute("data-now")) - Date.now();
        c.removeAttribute("data-now");
      }
      var d = new Date(Date.now() + offset);
      c.textContent = String(d.getUTCHours()).padStart(2, "0") + ":" + String(d.getUTCMinutes()).padStart(2, "0");
    }
  }

  // reloadWhenUp reloads the page if the server serves it, shows
  // "disabled" if the address is gone, and otherwise waits for the next try.
  function reloadWhenUp() {
    fetch(location.href, { cache: "no-store" }).then(function (r) {
      if (r.ok) { location.reload(); } else if (r.status === 404) { disabled(); }
    }, function () {});
  }

  function check() {
    var b = board();
    if (!b) {
      // A page served while the service could not read its data: try
      // again; a disabled screen stays so.
      if (document.body.getAttribute("data-status") !== "404") { reloadWhenUp(); }
      return;
    }
    var since = Number(b.getAttribute("data-live-down-since") || 0);
    if (Date.now() - loadedAt > reloadEvery || (since && Date.now() - since > downLimit)) {
      reloadWhenUp();
    }
  }

  function start() {
    document.body.addEventListener("htmx:responseError", function (e) {
      if (e.detail.xhr && e.detail.xhr.status === 404) { disabled(); }
    });
    // A fresh board goes on from the notice it shows first (a new one).
    document.body.addEventListener("htmx:afterSwap", function () {
      var b = board();
      shown = b ? Math.max(0, Array.prototype.indexOf.call(b.querySelectorAll(".notice"), b.querySelector(".notice.on"))) : 0;
      tick();
    });
    tick();
    setInterval(rotate, rotateEvery);
    setInterval(tick, 10000);
    setInterval(check, checkEvery);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
