/* Long forms keep a draft in this browser. A form with data-draft="name" saves its fields to localStorage as the
   user types (keyed by user, page and form; never files, passwords or hidden fields). When the page shows the
   form again with other values than the draft (after the session ended and the user logged in again, after a
   crash, a closed tab), a notice offers to restore or discard the draft. A draft is dropped when its form was
   sent and accepted (the next page is not the log-in page and does not show the form with errors), when the
   user logs out, and after seven days. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var cfg = script.dataset;
  var PREFIX = "supplyesg:draft:";
  var PENDING = "supplyesg:draft-sent";
  var MAX_AGE = 7 * 24 * 3600 * 1000;
  var store;
  try { store = window.localStorage; store.getItem(PREFIX); } catch (e) { return; }
  var mine = PREFIX + cfg.user + ":";

  function forget(key) { try { store.removeItem(key); } catch (e) { /* storage unavailable */ } }

  function read(key) {
    try { return JSON.parse(store.getItem(key)); } catch (e) { return null; }
  }

  function each(callback) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) callback(key);
    }
  }

  // Old drafts go, whoever left them.
  each(function (key) {
    var draft = read(key);
    if (!draft || !draft.saved || Date.now() - draft.saved > MAX_AGE) forget(key);
  });

  // Logging out takes this user's drafts with it (and nothing is saved again on the way out).
  var loggingOut = false;
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (!cfg.logoutUrl || action !== cfg.logoutUrl) return;
    loggingOut = true;
    each(function (key) { if (key.indexOf(mine) === 0) forget(key); });
  }, true);

  if (!cfg.user) {
    if (!cfg.loginPage) sessionStorage.removeItem(PENDING);
    return;
  }

  var SKIPPED = ["file", "password", "hidden", "submit", "button", "reset", "image"];

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && SKIPPED.indexOf(el.type) < 0 && el.name !== "csrfmiddlewaretoken";
    });
  }

  function checkable(el) { return el.type === "checkbox" || el.type === "radio"; }

  function snapshot(form) {
    var data = {};
    fields(form).forEach(function (el) {
      var values = data[el.name] || (data[el.name] = []);
      if (checkable(el)) { if (el.checked) values.push(el.value); }
      else if (el.multiple && el.options) Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push(o.value); });
      else values.push(el.value);
    });
    return data;
  }

  function apply(form, data) {
    var seen = {};
    fields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(data, el.name)) return;
      var values = data[el.name];
      var before = checkable(el) ? el.checked : el.value;
      if (checkable(el)) el.checked = values.indexOf(el.value) >= 0;
      else if (el.multiple && el.options) Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
      else {
        var n = seen[el.name] || 0;
        seen[el.name] = n + 1;
        if (n < values.length) el.value = values[n];
      }
      if ((checkable(el) ? el.checked : el.value) !== before) el.dispatchEvent(new Event("change", {bubbles: true}));
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function stamp(ms) {
    var d = new Date(ms);
    function two(n) { return String(n).padStart(2, "0"); }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  var sent = sessionStorage.getItem(PENDING);
  if (!cfg.loginPage) sessionStorage.removeItem(PENDING);

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = mine + location.pathname + ":" + form.dataset.draft;
    var shown = snapshot(form);
    var draft = read(key);
    var refused = form.querySelector("[aria-invalid='true'], .errorlist");
    if (sent === key) {
      sent = null;
      if (!refused) { forget(key); draft = null; }  // the form was sent and accepted
    }
    if (draft && same(draft.data, shown)) { forget(key); draft = null; }

    function save() {
      if (loggingOut) return;
      var now = snapshot(form);
      try {
        var stored = read(key);
        if (same(now, shown)) forget(key);
        else if (!stored || !same(stored.data, now)) store.setItem(key, JSON.stringify({saved: Date.now(), data: now}));
      } catch (e) { /* storage full or refused: the form still works */ }
    }

    var pending = null;
    function later() { clearTimeout(pending); pending = setTimeout(save, 300); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    document.addEventListener("supplyesg:session-ending", function () { clearTimeout(pending); save(); });
    window.addEventListener("pagehide", function () { clearTimeout(pending); save(); });
    form.addEventListener("submit", function () {
      clearTimeout(pending);
      save();
      sessionStorage.setItem(PENDING, key);
    });

    if (!draft) return;
    var offer = document.createElement("div");
    offer.className = "messages draft-offer";
    offer.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = cfg.textOffer.replace("{time}", stamp(draft.saved));
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "draft-restore";
    restore.textContent = cfg.textRestore;
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary draft-discard";
    discard.textContent = cfg.textDiscard;
    restore.addEventListener("click", function () { apply(form, draft.data); save(); offer.remove(); });
    discard.addEventListener("click", function () { save(); offer.remove(); });
    offer.append(text, restore, document.createTextNode(" "), discard);
    form.parentNode.insertBefore(offer, form);
  });
  // Sent and accepted, and the next page no longer shows the form (a submitted plan is read-only).
  if (sent && !cfg.loginPage) forget(sent);
})();
