/* The idle-session warning. The server ends a session after SESSION_IDLE_MINUTES without a request
   (core.middleware.IdleSessionMiddleware); this script only tells the user before it happens and offers to stay
   signed in. Typing or clicking counts as activity (at most one keep-alive a minute), so does every htmx request
   (its answer carries X-Session-Seconds-Left). When time is up it asks the server first (another tab may have
   kept the session alive), lets drafts save (event "supplyesg:session-ending") and goes to the log-in page. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var cfg = script.dataset;
  var warnMs = Number(cfg.warnSeconds) * 1000;
  var deadline = Date.now() + Number(cfg.secondsLeft) * 1000;
  var lastPing = Date.now();
  var box = null;
  var timer = null;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function ask(method) {
    var headers = {"Accept": "application/json"};
    if (method === "POST") headers["X-CSRFToken"] = csrfToken();
    return fetch(cfg.statusUrl, {method: method, headers: headers, credentials: "same-origin"})
      .then(function (r) { return r.json(); });
  }

  function setLeft(seconds) {
    deadline = Date.now() + seconds * 1000;
    tick();
  }

  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function show(ms) {
    if (!box) {
      box = document.createElement("div");
      box.id = "session-warning";
      box.className = "session-warning";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-live", "assertive");
      box.setAttribute("aria-labelledby", "session-warning-text");
      box.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:1000;max-width:26rem;padding:1rem;" +
        "background:#fff8e1;border:2px solid #b26a00;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.25)";
      var text = document.createElement("p");
      text.id = "session-warning-text";
      text.style.margin = "0 0 .5rem";
      var stay = document.createElement("button");
      stay.type = "button";
      stay.id = "stay-signed-in";
      stay.textContent = cfg.textStay;
      stay.addEventListener("click", function () {
        ask("POST").then(function (s) { if (s.signed_in) { lastPing = Date.now(); setLeft(s.seconds_left); } });
      });
      box.append(text, stay);
      document.body.append(box);
    }
    box.querySelector("p").textContent = cfg.textWarning.replace("{time}", clock(ms));
    if (box.hidden) { box.hidden = false; box.querySelector("button").focus({preventScroll: true}); }
  }

  function hide() { if (box) box.hidden = true; }

  function end() {
    clearInterval(timer);
    ask("GET").catch(function () { return {signed_in: false}; }).then(function (s) {
      if (s.signed_in && s.seconds_left > 0) {  // another tab was busy
        setLeft(s.seconds_left);
        timer = setInterval(tick, 1000);
        return;
      }
      document.dispatchEvent(new CustomEvent("supplyesg:session-ending"));
      window.location.assign(cfg.loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search));
    });
  }

  function tick() {
    var left = deadline - Date.now();
    if (left <= 0) { end(); return; }
    if (left <= warnMs) show(left); else hide();
  }

  function activity() {
    // The warning is a question to answer: once it shows, only its button keeps the session.
    if ((box && !box.hidden) || Date.now() - lastPing < 60000) return;
    lastPing = Date.now();
    ask("POST").then(function (s) { if (s.signed_in) setLeft(s.seconds_left); }).catch(function () {});
  }

  ["keydown", "pointerdown", "input"].forEach(function (name) {
    document.addEventListener(name, activity, {passive: true, capture: true});
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var left = xhr && xhr.getResponseHeader("X-Session-Seconds-Left");
    if (left !== null && left !== undefined && left !== "") setLeft(Number(left));
  });
  timer = setInterval(tick, 1000);
})();
