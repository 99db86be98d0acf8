/* Standby's fallback form "{{ form_id }}": when the platform's embedded form has not rendered within
   the timeout, or its script failed to load, Standby's form appears in its place and posts to Standby.
   Add it to the page with two lines (docs/plan-b.md):
     <script src="{{ script_url }}"></script>                (in <head>, before the platform's script)
     <div data-standby-form="{{ form_id }}"></div>             (where the form is)                    */
(function () {
  "use strict";
  var C = {{ config | safe }};
  var me = document.currentScript;
  if (!C.capture && me && me.src) { C.capture = new URL(me.src, location.href).origin; }
  var VENDOR = /(^|\.)(marketo\.com|marketo\.net|mktoweb\.com|mktocdn\.com|mktoresp\.com|hsforms\.net|hsforms\.com|hubspot\.com|hubspot\.net|hs-scripts\.com|hsappstatic\.net)$/i;
  var EMBEDS = 'form[id^="mktoForm_"], .hbspt-form, .hs-form-frame, form.hs-form';
  var settled = false;

  function place() { return document.querySelector('[data-standby-form="' + C.form + '"]'); }
  function embed(p) { var s = p && p.getAttribute("data-embed"); return document.querySelector(s || EMBEDS); }
  function rendered(e) { return !!(e && e.querySelector("input:not([type=hidden]), select, textarea, iframe")); }
  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }

  window.addEventListener("error", function (event) {
    var t = event.target;
    if (t && t.tagName === "SCRIPT" && t.src) {
      try { if (VENDOR.test(new URL(t.src, location.href).hostname)) { ready(show); } } catch (x) { /* not a URL */ }
    }
  }, true);
  ready(function () {
    setTimeout(function () {
      var p = place();
      if (rendered(embed(p))) {
        settled = true;
        if (p) { p.setAttribute("data-standby-state", "embed"); }  /* the platform's form is there */
      } else { show(); }
    }, C.timeout);
  });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { node.setAttribute(k, attrs[k]); } }
    if (text) { node.textContent = text; }
    return node;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show() {
    if (settled) { return; }
    var p = place(), e = embed(p);
    if (!p) {
      p = el("div", {"data-standby-form": C.form});
      if (e && e.parentNode) { e.parentNode.insertBefore(p, e); }
      else if (me && me.parentNode && me.parentNode !== document.head) { me.parentNode.insertBefore(p, me.nextSibling); }
      else { return; }
    }
    settled = true;
    p.setAttribute("data-standby-state", "fallback");
    if (e && e !== p && !p.contains(e)) { e.style.display = "none"; }
    p.appendChild(build());
  }

  function build() {
    var key = newKey(), inputs = {}, errors = {};
    var form = el("form", {"class": "standby-form", "novalidate": ""});
    form.appendChild(el("h2", {"class": "standby-title"}, C.title));
    C.fields.forEach(function (f) {
      var id = "standby-" + C.form + "-" + f.name, box = el("div", {"class": "standby-field"}), input;
      var label = el("label", {"for": id}, f.label + (f.required ? " (required)" : ""));
      if (f.type === "select") {
        input = el("select", {id: id, name: f.name});
        input.appendChild(el("option", {value: ""}, "Choose…"));
        f.options.forEach(function (o) { input.appendChild(el("option", {value: o}, o)); });
      } else if (f.type === "textarea") {
        input = el("textarea", {id: id, name: f.name, rows: "4", maxlength: "5000"});
      } else {
        input = el("input", {id: id, name: f.name, type: f.type === "checkbox" ? "checkbox" : f.type});
      }
      if (f.required) { input.setAttribute("aria-required", "true"); }
      if (f.type === "checkbox") { box.appendChild(input); box.appendChild(label); } else { box.appendChild(label); box.appendChild(input); }
      var error = el("p", {"class": "standby-error", id: id + "-error"});
      error.hidden = true;
      box.appendChild(error);
      inputs[f.name] = input; errors[f.name] = error;
      form.appendChild(box);
    });
    var trap = el("div", {"aria-hidden": "true"});
    trap.style.position = "absolute"; trap.style.left = "-10000px";
    var hp = el("input", {type: "text", name: "_hp", tabindex: "-1", autocomplete: "off"});
    trap.appendChild(hp); form.appendChild(trap);
    var button = el("button", {type: "submit", "class": "standby-send"}, C.send);
    var status = el("p", {"class": "standby-status", role: "status"});
    form.appendChild(button); form.appendChild(status);

    function mark(found) {
      C.fields.forEach(function (f) {
        var message = found[f.name];
        errors[f.name].textContent = message || "";
        errors[f.name].hidden = !message;
        if (message) { inputs[f.name].setAttribute("aria-invalid", "true"); inputs[f.name].setAttribute("aria-describedby", errors[f.name].id); }
        else { inputs[f.name].removeAttribute("aria-invalid"); }
      });
    }
    function thanks() {
      if (C.thanks.url) { location.assign(C.thanks.url); return; }
      var done = el("p", {"class": "standby-thanks", role: "status"}, C.thanks.text);
      form.parentNode.replaceChild(done, form);
    }
    function send(data, attempt) {
      button.disabled = true;
      status.textContent = attempt ? "Connection problem — trying again…" : "Sending…";
      fetch(C.capture + "/f/" + encodeURIComponent(C.form), {
        method: "POST", mode: "cors", credentials: "omit",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": key},
        body: JSON.stringify(data)
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return [r.status, body]; });
      }).then(function (answer) {
        var code = answer[0], body = answer[1];
        if (code >= 200 && code < 300) { thanks(); return; }
        if (code === 422 && body.errors) { mark(body.errors); button.disabled = false; status.textContent = "Please check the fields marked above."; return; }
        if (code === 429 || code >= 500) { retry(data, attempt); return; }
        button.disabled = false;
        status.textContent = body.detail || "This form could not be sent.";
      }, function () { retry(data, attempt); });
    }
    function retry(data, attempt) {
      if (attempt >= 6) { button.disabled = false; status.textContent = "We could not reach the server. Please try again in a moment."; return; }
      var wait = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      setTimeout(function () { send(data, attempt + 1); }, wait);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = {_hp: hp.value, _page: location.href};
      C.fields.forEach(function (f) { data[f.name] = f.type === "checkbox" ? inputs[f.name].checked : inputs[f.name].value; });
      send(data, 0);
    });
    return form;
  }
})();
