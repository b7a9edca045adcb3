// A questionnaire's kiosk on a tablet: progressive enhancement of plain forms (every screen
// works without this file).
// - After an answer: a thank-you screen, then back to the first question.
// - 60 s without a touch while answering: back to the first question (the answer is dropped).
// - Network down: the answer is kept in localStorage with its client UUID and sent to the
//   JSON endpoint when the network comes back; the server counts one UUID once, so a replay
//   (two tabs, a flush interrupted after the server got it) never counts twice.
(function () {
  "use strict";
  var IDLE_MS = 60000;
  var THANKS_MS = 6000;

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var home = body.getAttribute("data-kiosk-home");

    // The server's thank-you screen: back to the first question after a few seconds.
    var back = body.getAttribute("data-kiosk-return");
    if (back) {
      setTimeout(function () { window.location.replace(home); }, parseInt(back, 10) * 1000);
      return;
    }

    var form = document.querySelector("form[data-kiosk-form]");
    var submitUrl = body.getAttribute("data-kiosk-submit");
    if (!form || !submitUrl || !window.fetch || !window.localStorage || !window.JSON) { return; }
    var storeKey = "guichet-kiosk:" + body.getAttribute("data-kiosk-key");
    var uuidInput = form.querySelector("[data-kiosk-uuid]");
    var status = document.querySelector("[data-kiosk-status]");
    var questions = document.getElementById("kiosk-questions");
    var thanks = document.querySelector("[data-kiosk-thanks]");
    var thanksOffline = document.querySelector("[data-kiosk-thanks-offline]");
    var again = document.querySelector("[data-kiosk-again]");
    var flushing = false;
    var thanksTimer = null;

    function queue() {
      try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
    }
    function save(items) { localStorage.setItem(storeKey, JSON.stringify(items)); }
    function showStatus() {
      var count = queue().length;
      status.textContent = count ? count + (count > 1 ? " réponses gardées" : " réponse gardée") + " sur la tablette, en attente du réseau." : "";
    }

    function fields() {
      var data = {};
      new FormData(form).forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken" || name === "client_uuid") { return; }
        (data[name] = data[name] || []).push(String(value));
      });
      return data;
    }

    function send(entry, queued) {
      return fetch(submitUrl, {
        method: "POST", credentials: "omit", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({client_uuid: entry.client_uuid, taken_at: entry.taken_at, data: entry.data, queued: queued})
      });
    }

    function flush() {
      if (flushing || !navigator.onLine) { return; }
      var items = queue();
      if (!items.length) { return; }
      flushing = true;
      send(items[0], true).then(function (response) {
        flushing = false;
        if (response.status >= 500 || response.status === 429) { return; }  // later
        // Recorded (201), already recorded (200), or refused for good (4xx): off the queue.
        save(queue().filter(function (item) { return item.client_uuid !== items[0].client_uuid; }));
        showStatus();
        flush();
      }).catch(function () { flushing = false; });
    }

    function freshForm() {
      clearTimeout(thanksTimer);
      if (navigator.onLine && !queue().length) { window.location.replace(home); return; }
      form.reset();
      uuidInput.value = uuid4();
      thanks.hidden = true;
      questions.hidden = false;
      window.scrollTo(0, 0);
      var title = questions.querySelector("h1");
      if (title) { title.setAttribute("tabindex", "-1"); title.focus(); }
      dirty = false;
    }

    function thank(offline) {
      questions.hidden = true;
      thanksOffline.hidden = !offline;
      thanks.hidden = false;
      thanks.focus();
      thanksTimer = setTimeout(freshForm, THANKS_MS);
    }

    function keep(entry) {
      var items = queue();
      if (!items.some(function (item) { return item.client_uuid === entry.client_uuid; })) {
        items.push(entry);
        save(items);
      }
      showStatus();
      thank(true);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var entry = {client_uuid: uuidInput.value, taken_at: new Date().toISOString(), data: fields()};
      if (!navigator.onLine) {
        // No server to check the answers: the browser checks what it can first.
        if (!form.checkValidity()) { form.reportValidity(); return; }
        keep(entry);
        return;
      }
      send(entry, false).then(function (response) {
        if (response.status === 201 || response.status === 200) {
          return response.json().then(function (result) {
            window.location.assign(home + "?merci=" + (result.late ? "tardive" : ""));
          });
        }
        if (response.status >= 500) { keep(entry); return; }
        // Answers to correct, questions that appear, a kiosk out of service: the server
        // says so on its own page, by the field (the form is sent the plain way).
        form.submit();
      }).catch(function () { keep(entry); });
    });

    again.addEventListener("click", freshForm);

    // Idle: 60 s untouched while answering (or on an error page), back to the first question.
    var dirty = !!document.querySelector(".error-summary, .notice");
    var last = Date.now();
    ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
      document.addEventListener(name, function () { last = Date.now(); if (name === "input") { dirty = true; } }, {passive: true});
    });
    setInterval(function () {
      if (dirty && thanks.hidden && Date.now() - last > IDLE_MS) { freshForm(); }
      flush();
    }, 5000);
    window.addEventListener("online", flush);
    showStatus();
    flush();
  });
})();
