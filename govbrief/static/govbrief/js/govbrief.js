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
