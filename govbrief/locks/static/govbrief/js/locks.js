// Edit locks (govbrief.locks), a progressive enhancement: the page that renders an edit form takes
// the lock; this script keeps it while the user works, gives it up when the page is left, and says
// so when it was lost. Without it the lock simply lapses, and the server still refuses saves over
// someone else's lock or on a stale copy.
//
// <form method="post" data-lock-type="reports.report" data-lock-id="12"
//       data-lock-heartbeat-url="/locks/heartbeat/" data-lock-release-url="/locks/release/"
//       data-lock-lost-message="…">            ({% load locks %}{% lock_attrs report %} writes these)
//
// Heartbeats go out at most once a minute and only after activity on the page (typing, clicking,
// scrolling), so a lock left open in a forgotten tab lapses after GOVBRIEF_EDIT_LOCK_MINUTES and the
// session idle timeout still applies; the first activity after a quiet spell sends one at once.
(function () {
  "use strict";
  var INTERVAL = 60 * 1000;
  var ACTIVITY = ["input", "change", "keydown", "pointerdown", "wheel", "touchstart"];

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function payload(form) {
    // Form-encoded with the token in the body: the one shape sendBeacon and Django's CSRF check both accept.
    return new URLSearchParams({
      csrfmiddlewaretoken: csrfToken(form),
      type: form.dataset.lockType,
      id: form.dataset.lockId
    });
  }

  function showLost(form, detail) {
    var banner = form.querySelector(".lock-lost");
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "callout lock-lost";
      banner.setAttribute("role", "alert");
      form.insertBefore(banner, form.firstChild);
    }
    banner.textContent = form.dataset.lockLostMessage || "";
    if (detail) {
      var more = document.createElement("div");
      more.textContent = detail;
      banner.appendChild(more);
    }
    banner.hidden = false;
  }

  function watch(form) {
    var heartbeatUrl = form.dataset.lockHeartbeatUrl || "/locks/heartbeat/";
    var releaseUrl = form.dataset.lockReleaseUrl || "/locks/release/";
    var lastBeat = Date.now();  // the page was rendered with the lock just taken
    var active = false, lost = false, busy = false, submitting = false;

    function beat() {
      if (lost || busy) { return; }
      busy = true;
      active = false;
      lastBeat = Date.now();
      fetch(heartbeatUrl, {
        method: "POST", body: payload(form), credentials: "same-origin",
        headers: {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data && data.held === false) {
            lost = true;
            showLost(form, data.message);
          }
        })
        .catch(function () { /* offline or not JSON: try again at the next beat */ })
        .then(function () { busy = false; });
    }

    ACTIVITY.forEach(function (type) {
      document.addEventListener(type, function () {
        active = true;
        if (Date.now() - lastBeat >= INTERVAL) { beat(); }
      }, {passive: true, capture: true});
    });
    window.setInterval(function () { if (active) { beat(); } }, INTERVAL);

    // Listen on window so handlers that cancel the submit (confirmations, double-submit guard) have run.
    window.addEventListener("submit", function (e) {
      if (e.target === form && !e.defaultPrevented) { submitting = true; }
    });
    window.addEventListener("pagehide", function () {
      // Saving releases the lock on the server; otherwise leaving the page gives it up.
      if (!submitting && navigator.sendBeacon) { navigator.sendBeacon(releaseUrl, payload(form)); }
    });
    window.addEventListener("pageshow", function (e) {
      // Back from the back/forward cache: the lock was released on leaving; the heartbeat tells.
      if (e.persisted) { submitting = false; lost = false; beat(); }
    });
  }

  function start() {
    document.querySelectorAll("form[data-lock-type][data-lock-id]").forEach(watch);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
