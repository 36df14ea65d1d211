/* Rehabit service worker: the app shell, the last copy of Today and the pictures of its
 * exercises, for a flaky network.
 *
 * Served from /sw.js by a view that prepends `const REHABIT = {...}` with the shell's URLs
 * (hashed names in production) and a version made from them. Submits are never cached or
 * replayed here: the page's outbox keeps them (IndexedDB) and sends them with the CSRF token
 * of the page, once, keyed by ids the server already knows. The offline page watches for
 * the network (outbox.js) and opens the page the patient asked for again as soon as it is
 * back; that page sends what was kept. Its probe is neither a navigation nor a static file,
 * so it never gets an answer from here.
 */
/* global REHABIT */
"use strict";

var SHELL_CACHE = "rehabit-shell-" + REHABIT.version;
var PAGE_CACHE = "rehabit-pages";
// The pictures of the exercises on Today, whatever version of the shell: the page names them
// (patient.js), so the cache holds today's program and nothing older.
var PICTURE_CACHE = "rehabit-pictures";
var MAX_PICTURES = 60;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(REHABIT.shell); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("rehabit-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function startsWithAny(url, prefixes) {
  return prefixes.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

// Pages: the network first, always (they show today's data); the last copy only when the
// network fails, and the offline page when there is no copy.
function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGE_CACHE)
      .then(function (cache) { return cache.match(request, { ignoreVary: true }); })
      .then(function (cached) {
        return cached || caches.match(REHABIT.offlineUrl, { ignoreVary: true });
      });
  });
}

// Static files: straight from the cache, refreshed in the background.
function staleWhileRevalidate(request) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      var network = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      }).catch(function () { return cached; });
      return cached || network;
    });
  });
}

function keepPictures(urls) {
  return caches.open(PICTURE_CACHE).then(function (cache) {
    return cache.keys().then(function (kept) {
      return Promise.all(kept.filter(function (request) {
        return urls.indexOf(request.url) < 0;
      }).map(function (request) { return cache.delete(request); }));
    }).then(function () {
      return Promise.all(urls.map(function (url) {
        return cache.match(url).then(function (hit) {
          if (hit) { return undefined; }
          return fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && response.type === "basic") { return cache.put(url, response); }
            return undefined;
          }).catch(function () { /* offline: kept on the next visit */ });
        });
      }));
    });
  });
}

// A kept picture first; otherwise as any other request (static files from the shell cache).
function picture(request, url) {
  return caches.open(PICTURE_CACHE)
    .then(function (cache) { return cache.match(request); })
    .then(function (hit) {
      if (hit) { return hit; }
      return url.pathname.indexOf("/static/") === 0 ? staleWhileRevalidate(request) : fetch(request);
    });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  // Only the patient's own pages are handled; anything else goes straight to the network.
  if (request.mode === "navigate") {
    if (startsWithAny(url, REHABIT.keptPages)) {
      event.respondWith(networkFirst(request));
    } else if (startsWithAny(url, REHABIT.otherPages)) {
      event.respondWith(fetch(request).catch(function () {
        return caches.match(REHABIT.offlineUrl, { ignoreVary: true });
      }));
    }
    return;
  }
  if (request.destination === "image") {
    event.respondWith(picture(request, url));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "logout") {
    event.waitUntil(Promise.all([caches.delete(PAGE_CACHE), caches.delete(PICTURE_CACHE)]));
  } else if (event.data && event.data.type === "keep-pictures" && Array.isArray(event.data.urls)) {
    var urls = event.data.urls.filter(function (url) {
      try { return new URL(url).origin === self.location.origin; } catch (e) { return false; }
    }).slice(0, MAX_PICTURES);
    event.waitUntil(keepPictures(urls));
  }
});

// Web push: the reminder carries no health data, only a title, a line and where to go.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Rehabit", {
    body: data.body || "",
    tag: data.tag || "rehabit",
    data: { url: data.url || "/today/" },
    icon: "/static/tracker/icons/icon-192.png",
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/today/";
  event.waitUntil(self.clients.openWindow(url));
});
