/* Rehabit outbox: submits kept on the phone while the network is down.
 *
 * IndexedDB, not localStorage: entries hold health data (pain ratings), and IndexedDB is
 * the store meant for structured data, is readable by a service worker too, and is cleared
 * with the site's data. Each entry belongs to one user, so a second person logging in on
 * the same phone never sends someone else's entries.
 */
(function (root) {
  "use strict";

  var DB_NAME = "rehabit";
  var STORE = "outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = root.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs `work(store, done)` in one transaction and resolves with what it passed to done().
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        work(tx.objectStore(STORE), function (value) { result = value; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all(user) {
    return withStore("readonly", function (store, done) {
      var request = store.getAll();
      request.onsuccess = function () {
        done(request.result.filter(function (entry) { return entry.user === user; }));
      };
    });
  }

  // A second submit of the same form for the same place (Done, then Skip, on one exercise)
  // replaces the first in its queue position: only the latest answer matters, and order
  // with other entries (a session start before its finish) is kept.
  function put(entry) {
    return withStore("readwrite", function (store, done) {
      var request = store.getAll();
      request.onsuccess = function () {
        var same = request.result.filter(function (old) {
          return old.user === entry.user && old.url === entry.url && old.key === entry.key;
        })[0];
        if (same) { entry.id = same.id; }
        var write = store.put(entry);
        write.onsuccess = function () { done(write.result); };
      };
    });
  }

  function remove(id) {
    return withStore("readwrite", function (store) { store.delete(id); });
  }

  // Calls `back()` once the network is back. The online event alone is not enough: a phone
  // can say "online" on a network that goes nowhere, and miss the event after sleeping, so
  // while offline a small request to the server is tried every few seconds as well.
  var PROBE_MS = 5000;

  function whenBackOnline(probeUrl, back) {
    var done = false;
    var timer = null;

    function finish() {
      if (done) { return; }
      done = true;
      root.clearInterval(timer);
      root.removeEventListener("online", probe);
      back();
    }

    function probe() {
      if (done) { return; }
      // Not a navigation and not a static file, so the service worker lets it through to
      // the network: any answer from the server means the phone can reach it again.
      root.fetch(probeUrl, { method: "GET", cache: "no-store", credentials: "same-origin" })
        .then(finish, function () { /* still offline: the next probe tries again */ });
    }

    root.addEventListener("online", probe);
    timer = root.setInterval(probe, PROBE_MS);
  }

  // The offline page stands in for the page the patient opened (the address bar still shows
  // it). When the network is back, that page is loaded again; it sends whatever this phone
  // kept while offline as it opens.
  if (typeof document !== "undefined") {
    document.addEventListener("DOMContentLoaded", function () {
      var watch = document.querySelector("[data-reload-when-online]");
      if (watch) {
        whenBackOnline(watch.dataset.reloadWhenOnline, function () { root.location.reload(); });
      }
    });
  }

  root.RehabitOutbox = { all: all, put: put, remove: remove, whenBackOnline: whenBackOnline };
})(typeof self !== "undefined" ? self : window);
