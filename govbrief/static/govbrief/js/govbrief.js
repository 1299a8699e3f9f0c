// Small progressive enhancements; every page works without them.
(function () {
  // A double click submits once: a form is disabled while its request is under way.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented) { return; }
    if (form.dataset.submitted) { e.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.classList.add("busy"); });
  });
  // Confirmation for destructive or irreversible actions.
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) { e.preventDefault(); e.stopImmediatePropagation(); }
    var opener = e.target.closest("[data-dialog]");
    if (opener) { e.preventDefault(); document.getElementById(opener.dataset.dialog).showModal(); }
    var closer = e.target.closest("[data-close]");
    if (closer) { e.preventDefault(); closer.closest("dialog").close(); }
    var toggle = e.target.closest(".menu-toggle");
    if (toggle) { document.querySelector(".sidebar").classList.toggle("open"); }
  });
})();
// Bulk selection on queues: select all, a live count, and no empty submission.
(function () {
  function update(form) {
    var n = form.querySelectorAll("input[name=ids]:checked").length;
    var label = form.querySelector("[data-selected-count]");
    if (label) { label.textContent = label.textContent.replace(/\d+/, n); }
  }
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (!form) { return; }
    if (e.target.dataset.selectAll) {
      form.querySelectorAll("input[name=" + e.target.dataset.selectAll + "]").forEach(function (box) { box.checked = e.target.checked; });
    }
    update(form);
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.id === "bulk-form" && !form.querySelector("input[name=ids]:checked")) {
      e.preventDefault();
      window.alert(form.dataset.emptyMessage || "0");
    }
  }, true);
})();
// Live notices (issue 15): the page listens on its stream (notifications.stream) and shows each new
// notice as a toast, then refreshes the bell's badge and the sidebar's counts. EventSource reconnects
// on its own and sends the last notice's id, so the server sends only what the page has not shown;
// a notice that still arrives twice (two streams overlapping) is shown once.
(function () {
  var layout = document.querySelector(".layout[data-live]");
  if (!layout || !window.EventSource) { return; }
  var box = document.getElementById("toasts");
  var shown = {};
  var pending = [];
  var flushTimer = null, refreshTimer = null, retryTimer = null, source = null, failures = 0;
  var MAX_TOASTS = 3;

  function toast(notice) {
    var el = document.createElement("div");
    el.className = "toast" + (notice.urgent ? " urgent" : "");
    el.dataset.notice = notice.id || "";
    var head = document.createElement("div");
    head.className = "toast-head";
    var label = document.createElement("strong");
    label.textContent = notice.label || "";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", layout.dataset.liveClose);
    close.textContent = "×";
    close.addEventListener("click", function () { el.remove(); });
    head.appendChild(label);
    head.appendChild(close);
    el.appendChild(head);
    var text = document.createElement(notice.url ? "a" : "div");
    text.className = "toast-text";
    text.textContent = notice.message;
    if (notice.url) { text.href = notice.url; }
    el.appendChild(text);
    box.appendChild(el);
    while (box.children.length > MAX_TOASTS + 1) { box.removeChild(box.firstChild); }
    // Urgent notices stay until closed; the others fade after a while (they stay in the list).
    if (!notice.urgent) { setTimeout(function () { el.classList.add("leaving"); setTimeout(function () { el.remove(); }, 400); }, 8000); }
  }

  // Notices that arrive together (a page catching up after a restart) make at most MAX_TOASTS toasts
  // and one line for the rest.
  function flush() {
    flushTimer = null;
    var batch = pending;
    pending = [];
    batch.slice(-MAX_TOASTS).forEach(toast);
    if (batch.length > MAX_TOASTS) {
      toast({ label: "", message: layout.dataset.liveMore.replace("%(count)s", batch.length - MAX_TOASTS), url: layout.dataset.liveList });
    }
  }

  function refresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      fetch(layout.dataset.liveNav, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var bell = document.querySelector(".bell");
          var dot = bell && bell.querySelector(".dot");
          if (bell && data.unread_label) {
            if (!dot) { dot = document.createElement("span"); dot.className = "dot"; bell.appendChild(dot); }
            dot.textContent = data.unread_label;
          } else if (dot) { dot.remove(); }
          // A tab in the background says in its title how many notices are unread.
          document.title = (data.unread_label ? "(" + data.unread_label + ") " : "") + document.title.replace(/^\(\d+\+?\) /, "");
          var nav = document.getElementById("nav-items");
          if (nav) {
            // The fragment is rendered for no page in particular: keep this page's highlighted items.
            var active = Array.prototype.map.call(nav.querySelectorAll("a.active"), function (a) { return a.getAttribute("href"); });
            nav.innerHTML = data.nav;
            nav.querySelectorAll("a").forEach(function (a) { a.classList.toggle("active", active.indexOf(a.getAttribute("href")) >= 0); });
          }
          document.dispatchEvent(new CustomEvent("govbrief:counts", { detail: data }));
        })
        .catch(function () {});
    }, 150);
  }

  // The desk's notifications card (if the page has one) gets the new notice on top.
  function onDesk(notice) {
    var card = document.querySelector("[data-live-notices]");
    if (!card) { return; }
    var list = card.querySelector("ul");
    if (!list) { card.textContent = ""; list = document.createElement("ul"); list.className = "lineage"; card.appendChild(list); }
    var item = document.createElement("li");
    item.className = "notice-unread";
    var link = document.createElement("a");
    link.href = notice.url || layout.dataset.liveList;
    link.textContent = notice.message;
    var when = document.createElement("div");
    when.className = "small muted";
    when.textContent = notice.time || "";
    item.appendChild(link);
    item.appendChild(when);
    list.insertBefore(item, list.firstChild);
    while (list.children.length > Number(card.dataset.liveNotices)) { list.removeChild(list.lastChild); }
  }

  function onNotice(e) {
    var notice;
    try { notice = JSON.parse(e.data); } catch (err) { return; }
    if (shown[notice.id]) { return; }
    shown[notice.id] = true;
    onDesk(notice);
    pending.push(notice);
    if (!flushTimer) { flushTimer = setTimeout(flush, 120); }
    refresh();
  }

  var lastId = "";
  function seen(e) { if (e.lastEventId) { lastId = e.lastEventId; } }

  function connect() {
    // A stream started anew (not the browser's own reconnection) says itself where the page left off.
    source = new EventSource(layout.dataset.live + (lastId ? "?after=" + encodeURIComponent(lastId) : ""));
    source.addEventListener("notice", function (e) { seen(e); onNotice(e); });
    source.addEventListener("ready", function (e) { seen(e); failures = 0; layout.dataset.liveState = "open"; refresh(); });
    source.addEventListener("read", refresh);
    // A change a page may be showing (the duty board): the page's live regions fetch themselves again.
    source.addEventListener("refresh", function (e) {
      var detail = {};
      try { detail = JSON.parse(e.data); } catch (err) {}
      document.dispatchEvent(new CustomEvent("govbrief:refresh", { detail: detail }));
    });
    source.onerror = function () {
      layout.dataset.liveState = "reconnecting";
      // EventSource retries by itself after a dropped connection, but gives up on an error answer
      // (a proxy's 502 while the server restarts) and on 204 (logged out): start again, waiting
      // longer each time, unless the session has ended.
      if (source.readyState !== EventSource.CLOSED) { return; }
      clearTimeout(retryTimer);
      failures += 1;
      retryTimer = setTimeout(function () {
        fetch(layout.dataset.liveNav, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { if (r.status === 401) { layout.dataset.liveState = "closed"; } else { connect(); } })
          .catch(connect);
      }, Math.min(30000, 1000 * Math.pow(2, failures - 1)));
    };
  }
  connect();
})();

// Live regions (the duty board, an incident's clocks): a region with data-live-src fetches its content
// again when a "refresh" push arrives, and each emergency clock ticks every second (time left, or how
// long overdue), so the board needs no reload.
(function () {
  var timer = null;
  var pushed = null;  // the newest region HTML that came with a push (emergencies.live)
  function reload() {
    timer = null;
    var given = pushed;
    pushed = null;
    document.querySelectorAll("[data-live-region][data-live-src]").forEach(function (region) {
      // The duty board travels with the push for the office's desk: shown at once, no request.
      if (given && region.dataset.liveKey === given.region && document.documentElement.lang === given.lang) {
        region.innerHTML = given.html;
        region.dataset.liveLoaded = String(Date.now());
        tick();
        return;
      }
      fetch(region.dataset.liveSrc, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          region.innerHTML = html;
          region.dataset.liveLoaded = String(Date.now());
          tick();
        })
        .catch(function () {});
    });
  }
  document.addEventListener("govbrief:refresh", function (e) {
    var detail = e.detail || {};
    if (detail.html && detail.region) {
      pushed = detail;
      clearTimeout(timer);
      reload();
      return;
    }
    if (!timer) { timer = setTimeout(reload, 50); }
  });

  function span(seconds) {
    seconds = Math.abs(Math.trunc(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.dataset.deadline) - now) / 1000;
      var over = left < 0;
      el.textContent = (over ? el.dataset.over : el.dataset.left).replace("%(time)s", span(left));
      el.classList.toggle("overdue", over);
      el.classList.toggle("soon", !over && left < 900);
    });
  }
  if (document.querySelector(".clock[data-deadline]") || document.querySelector("[data-live-region]")) {
    tick();
    setInterval(tick, 1000);
  }
})();
