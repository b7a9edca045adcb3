// Guichet's service worker: makes the site installable and says "hors ligne" instead of the
// browser's error when the network is gone. It caches the offline page and what it needs,
// nothing else: residents' pages are personal and always come from the network.
var CACHE = "guichet-hors-ligne-v1";
var OFFLINE = "/hors-ligne/";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return fetch(OFFLINE, { credentials: "omit" }).then(function (response) {
      return response.clone().text().then(function (html) {
        var assets = [];
        html.replace(/(?:href|src)="(\/static\/[^"]+)"/g, function (_, url) { assets.push(url); });
        return cache.put(OFFLINE, response).then(function () { return cache.addAll(assets); });
      });
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
    return;
  }
  if (new URL(request.url).pathname.indexOf("/static/") === 0) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});
