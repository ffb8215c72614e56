// The kiosk works without this file. It adds: an inactivity reset with a warning, focus on the error
// summary, skill suggestions for the skills box, and a print button. No storage is used (no
// localStorage, sessionStorage or IndexedDB): nothing a person types stays in the browser.
(function () {
  "use strict";
  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }
  var csrf = meta("csrf-token");

  // ---- back and forward: show what the server sent, never what the browser kept of an earlier visit
  // (browsers restore typed values on history navigation; after "Start over" they belong to someone else).
  function resetForms() {
    Array.prototype.forEach.call(document.forms, function (form) { form.reset(); });
  }
  var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  if (nav && nav.type === "back_forward") { resetForms(); }
  window.addEventListener("pageshow", function (event) { if (event.persisted) { resetForms(); } });

  // ---- error summary: move focus there so a screen reader hears it first
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // ---- inactivity: warn one minute before, then clear everything
  var limit = parseInt(meta("reset-seconds"), 10) * 1000;
  var warning = document.getElementById("idle-warning");
  var stay = document.getElementById("idle-stay");
  var lastPing = Date.now();
  var warnTimer = null, resetTimer = null;
  function clearAll() { window.location.replace(meta("timeout-url")); }
  function ping() {
    // Re-issue the answers cookie while someone is typing on one page (it expires with inactivity).
    if (Date.now() - lastPing < 60000) { return; }
    lastPing = Date.now();
    var body = new URLSearchParams();
    body.set("csrf_token", csrf);
    fetch(meta("keepalive-url"), { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
  }
  function schedule() {
    if (!limit || limit < 1000) { return; }
    window.clearTimeout(warnTimer);
    window.clearTimeout(resetTimer);
    var warnAfter = Math.max(limit - 60000, Math.floor(limit / 2));
    warnTimer = window.setTimeout(function () {
      if (warning) { warning.hidden = false; if (stay) { stay.focus(); } }
    }, warnAfter);
    resetTimer = window.setTimeout(clearAll, limit);
  }
  function activity() {
    if (warning && !warning.hidden) { return; }
    schedule();
    ping();
  }
  ["keydown", "pointerdown", "input", "wheel", "touchstart"].forEach(function (kind) {
    document.addEventListener(kind, activity, { passive: true });
  });
  if (stay) {
    stay.addEventListener("click", function () {
      warning.hidden = true; lastPing = 0; ping(); schedule();
    });
  }
  schedule();

  // ---- print button
  var printButton = document.getElementById("print-button");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  // ---- skill suggestions: a search box that adds a skill to the skills list
  var finder = document.getElementById("skill-finder");
  var box = document.getElementById("skills-field");
  if (finder && box) {
    var wrap = document.createElement("div");
    wrap.className = "finder";
    var holder = document.createElement("div");
    var label = document.createElement("label");
    label.setAttribute("for", "skill-search");
    label.textContent = finder.getAttribute("data-label");
    var input = document.createElement("input");
    input.type = "text"; input.id = "skill-search"; input.setAttribute("list", "skill-options");
    input.setAttribute("autocomplete", "off");
    var list = document.createElement("datalist");
    list.id = "skill-options";
    var add = document.createElement("button");
    add.type = "button"; add.className = "button secondary"; add.textContent = finder.getAttribute("data-add");
    var status = document.createElement("p");
    status.className = "hint"; status.setAttribute("role", "status");
    holder.appendChild(label); holder.appendChild(input);
    wrap.appendChild(holder); wrap.appendChild(add);
    finder.appendChild(wrap); finder.appendChild(list); finder.appendChild(status);
    var pending = null;
    input.addEventListener("input", function () {
      window.clearTimeout(pending);
      var q = input.value.trim();
      if (q.length < 2) { return; }
      pending = window.setTimeout(function () {
        var body = new URLSearchParams();
        body.set("q", q); body.set("csrf_token", csrf);
        fetch(meta("suggest-url"), { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.name;
              list.appendChild(option);
            });
          }).catch(function () {});
      }, 200);
    });
    function addSkill() {
      var value = input.value.trim().replace(/,/g, " ");
      if (!value) { return; }
      var current = box.value.trim();
      box.value = current ? current.replace(/[,\s]+$/, "") + ", " + value : value;
      status.textContent = finder.getAttribute("data-added") + " " + value;
      input.value = ""; list.textContent = ""; input.focus();
    }
    add.addEventListener("click", addSkill);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); addSkill(); }
    });
  }
})();
