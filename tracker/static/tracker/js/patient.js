/* Rehabit on the patient's phone: offline-safe submits, the app shell, time zone.
 * No framework and no inline script: htmx does the requests, this file handles what
 * happens when the network is not there.
 */
(function () {
  "use strict";

  var page = document.getElementById("patient-page");
  if (!page || !window.htmx) { return; }
  var outbox = window.RehabitOutbox;
  var user = page.dataset.user;
  var status = document.getElementById("outbox-status");
  var RETRY_MS = 15000;

  // Validation errors come back as 422 with the fragment re-rendered around what the
  // patient entered: swap them like a success, but treat other 4xx/5xx as errors.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false }
  ];

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // --- A new session gets its id on the phone -------------------------------------------
  // The page may come from the phone's cache, so an id printed by the server could be one
  // already used; a fresh random one never is.
  htmx.onLoad(function (root) {
    var inputs = root.querySelectorAll ? root.querySelectorAll("[data-fresh-session]") : [];
    Array.prototype.forEach.call(inputs, function (input) {
      if (window.crypto && crypto.randomUUID) { input.value = crypto.randomUUID(); }
      input.removeAttribute("data-fresh-session");
    });
  });

  // --- "Add details" ------------------------------------------------------------------------
  // Today prints the optional details form once, as a <template>; each exercise's "Add
  // details" gets its own copy here. The same fields printed for every exercise were most of
  // the page's bytes and of the server's time to draw it.
  var ID_ATTRIBUTES = ["id", "for", "aria-describedby"];

  function fillDetails(slot) {
    var template = document.getElementById("log-details-template");
    if (!template) { return; }
    var copy = template.content.cloneNode(true);
    var data = slot.dataset;
    Array.prototype.forEach.call(copy.querySelectorAll("[data-only]"), function (field) {
      if (field.dataset.only !== data.show) { field.parentNode.removeChild(field); }
    });
    ID_ATTRIBUTES.forEach(function (name) {
      Array.prototype.forEach.call(copy.querySelectorAll("[" + name + "]"), function (el) {
        el.setAttribute(name, el.getAttribute(name).split("__ID__").join(data.fid));
      });
    });
    var placeholders = { sets_done: data.sets, reps_done: data.reps, hold_seconds_done: data.hold };
    Object.keys(placeholders).forEach(function (name) {
      var input = copy.querySelector("[name=" + name + "]");
      if (input) { input.placeholder = placeholders[name] || ""; }
    });
    slot.parentNode.replaceChild(copy, slot);
  }

  // "Save details" with a reason for skipping saves a skip (the server decides the same way
  // without script); the button says so before it is tapped.
  document.addEventListener("input", function (event) {
    var reason = event.target;
    if (!reason || reason.name !== "skip_reason" || !reason.form) { return; }
    var save = reason.form.querySelector("button.log-save");
    if (!save) { return; }
    save.textContent = reason.value.trim() ? save.dataset.skipText : save.dataset.detailsText;
  });

  // "2 of 5 logged": counted from the items on the page, after each one comes back.
  function recount() {
    var tally = document.getElementById("tally");
    if (!tally || !tally.dataset.text) { return; }
    var total = document.querySelectorAll(".plan-item").length;
    var logged = document.querySelectorAll(".plan-item.is-done, .plan-item.is-skipped").length;
    if (!total) { return; }
    tally.textContent = tally.dataset.text
      .replace("%(done)s", String(logged)).replace("%(total)s", String(total));
  }

  // Right after a finish, the traffic light is the answer the patient is waiting for; the
  // finish is below the exercises, so bring the light up to where they are looking.
  htmx.onLoad(function (root) {
    var light = root.querySelector ? root.querySelector("[data-just-finished]") : null;
    if (!light) { return; }
    light.removeAttribute("data-just-finished");
    var heading = light.querySelector("[tabindex='-1']");
    if (heading) { heading.focus({ preventScroll: true }); }
    var calm = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
    light.scrollIntoView({ block: "start", behavior: calm ? "auto" : "smooth" });
  });

  htmx.onLoad(function (root) {
    var slots = root.querySelectorAll ? root.querySelectorAll(".details-slot") : [];
    Array.prototype.forEach.call(slots, fillDetails);
    if (root.classList && root.classList.contains("plan-item")) { recount(); }
  });

  // --- The outbox --------------------------------------------------------------------------
  function offlineForm(elt) {
    return elt && elt.closest ? elt.closest("form[data-offline]") : null;
  }

  function encode(formData) {
    var params = new URLSearchParams();
    formData.forEach(function (value, name) {
      // The token in the page at send time is used instead: it survives a new login.
      if (name !== "csrfmiddlewaretoken") { params.append(name, value); }
    });
    return params.toString();
  }

  function showStatus(text, kind) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "outbox" + (kind ? " is-" + kind : "");
    status.hidden = !text;
  }

  function refreshStatus() {
    return outbox.all(user).then(function (entries) {
      if (!entries.length) {
        if (!status.classList.contains("is-sent") && !status.classList.contains("is-failed")) {
          showStatus("");
        }
        return 0;
      }
      var text = entries.length === 1
        ? status.dataset.one
        : status.dataset.many.replace("%(count)s", entries.length);
      showStatus(text, "waiting");
      return entries.length;
    });
  }

  function markKept(form, config) {
    var note = form.querySelector(".queued-note");
    if (note) { note.hidden = false; }
    var item = form.closest(".plan-item");
    var submitter = config.triggeringEvent && config.triggeringEvent.submitter;
    if (item) {
      item.classList.add("is-queued");
      if (submitter && submitter.name === "status") {
        Array.prototype.forEach.call(form.querySelectorAll("button[name=status][aria-pressed]"),
          function (button) { button.setAttribute("aria-pressed", String(button === submitter)); });
      }
    }
    var reveal = form.dataset.queuedReveal && document.querySelector(form.dataset.queuedReveal);
    if (reveal) { reveal.hidden = false; }
  }

  function keep(form, config) {
    var target = config.target && config.target.id ? config.target.id : "";
    var entry = {
      user: user,
      url: config.path,
      key: target,
      body: encode(config.formData),
      label: form.dataset.offlineLabel || "",
      createdAt: Date.now(),
      headers: { "HX-Request": "true", "HX-Target": target, "HX-Current-URL": location.href }
    };
    return outbox.put(entry).then(function () {
      markKept(form, config);
      return refreshStatus();
    });
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = offlineForm(event.detail.elt);
    if (!form || navigator.onLine) { return; }
    event.preventDefault();
    // Offline, the server can't put messages beside the fields, so the browser does.
    if (!form.checkValidity()) { form.reportValidity(); return; }
    keep(form, event.detail.requestConfig);
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    var form = offlineForm(event.detail.elt);
    if (form) {
      keep(form, event.detail.requestConfig);
    } else {
      // Not something the phone keeps (settings, say): never fail silently.
      showStatus(status.dataset.unsaved, "failed");
    }
  });

  function swapInto(targetId, html) {
    var target = targetId && document.getElementById(targetId);
    if (target) { htmx.swap(target, html, { swapStyle: "outerHTML" }); }
  }

  function withLock(work) {
    // One flush at a time, across tabs too: a double send is harmless (the server keys
    // every entry) but pointless.
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("rehabit-outbox", work);
    }
    return work();
  }

  var flushing = false;

  function sendAll(entries) {
    var sent = 0;
    var failed = [];
    var stop = false;
    var chain = Promise.resolve();
    entries.forEach(function (entry) {
      chain = chain.then(function () {
        if (stop) { return; }
        var headers = Object.assign({}, entry.headers, {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-CSRFToken": csrfToken()
        });
        return fetch(entry.url, {
          method: "POST", credentials: "same-origin", headers: headers, body: entry.body
        }).then(function (response) {
          var loggedOut = response.headers.get("HX-Redirect") ||
            (response.redirected && response.url.indexOf("/login/") !== -1);
          if (loggedOut || response.status === 403) {
            stop = true;
            showStatus(status.dataset.login, "failed");
            return;
          }
          if (response.status >= 500) { stop = true; return; }
          return response.text().then(function (html) {
            return outbox.remove(entry.id).then(function () {
              if (response.ok) {
                sent += 1;
                swapInto(entry.key, html);
              } else {
                // Final: the server looked at it and said no (a day long gone, say).
                if (response.status === 422) { swapInto(entry.key, html); }
                failed.push(entry.label);
              }
            });
          });
        }, function () {
          stop = true; // still no network: keep this and everything after it, in order
        });
      });
    });
    return chain.then(function () { return { sent: sent, failed: failed }; });
  }

  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    return withLock(function () {
      return outbox.all(user).then(function (entries) {
        if (!entries.length) { return null; }
        showStatus(status.dataset.sending, "waiting");
        return sendAll(entries);
      });
    }).then(function (result) {
      flushing = false;
      return refreshStatus().then(function (left) {
        if (!result || left) { return; }
        if (result.failed.length) {
          showStatus(status.dataset.failed.replace("%(label)s", result.failed.join(", ")),
            "failed");
        } else if (result.sent) {
          showStatus(status.dataset.sent, "sent");
          setTimeout(function () {
            if (status.classList.contains("is-sent")) { showStatus(""); }
          }, 8000);
        }
      });
    }, function () { flushing = false; });
  }

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { flush(); checkDay(); }
  });
  // navigator.onLine can say "online" on a network that goes nowhere; keep trying.
  setInterval(function () { flush(); }, RETRY_MS);
  refreshStatus().then(flush);

  // --- A page left open overnight ----------------------------------------------------------
  function localDay(zone) {
    try {
      var parts = new Intl.DateTimeFormat("en-CA", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"
      }).formatToParts(new Date());
      var get = function (type) {
        return parts.filter(function (p) { return p.type === type; })[0].value;
      };
      return get("year") + "-" + get("month") + "-" + get("day");
    } catch (e) {
      return null;
    }
  }

  var touched = false;
  document.addEventListener("input", function () { touched = true; });

  function checkDay() {
    var notice = document.getElementById("stale-day");
    var today = localDay(page.dataset.timezone);
    if (!notice || !today || !page.dataset.day || page.dataset.day >= today) { return; }
    // Left open over midnight: a fresh page, so a new tick goes to the new day. Once per
    // day at most (a phone clock ahead of the server must not cause a reload loop), and
    // never over something the patient is typing; what is in the outbox keeps its own day.
    var reloadedKey = "rehabit:reloaded-for:" + page.dataset.day;
    if (navigator.onLine && !touched && !sessionStorage.getItem(reloadedKey)) {
      sessionStorage.setItem(reloadedKey, "1");
      location.reload();
      return;
    }
    notice.textContent = notice.dataset.text;
    notice.hidden = false;
  }
  checkDay();

  // --- Time zone, reported once while it is still the default ------------------------------
  var ZONE_NOTICE_KEY = "rehabit:timezone-notice";

  function showZoneNotice(zoneName) {
    var notice = document.getElementById("timezone-notice");
    if (notice) {
      notice.textContent = notice.dataset.text.replace("%(zone)s", zoneName);
      notice.hidden = false;
    }
  }

  var adopted = sessionStorage.getItem(ZONE_NOTICE_KEY);
  if (adopted) {
    sessionStorage.removeItem(ZONE_NOTICE_KEY);
    showZoneNotice(adopted);
  }

  var detectUrl = page.dataset.timezoneDetect;
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  var reportedKey = "rehabit:timezone-reported:" + user; // a flag, not health data
  if (detectUrl && zone && zone !== page.dataset.timezone && zone !== "UTC" &&
      zone !== "Etc/UTC" && navigator.onLine && !localStorage.getItem(reportedKey)) {
    fetch(detectUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": csrfToken()
      },
      body: new URLSearchParams({ timezone: zone }).toString()
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      localStorage.setItem(reportedKey, "1");
      if (!data.changed) { return; }
      // The patient's "today" may be another date in their own time zone: the page is
      // drawn again for that day, and says what changed once it is back.
      if (data.today !== page.dataset.day) {
        sessionStorage.setItem(ZONE_NOTICE_KEY, data.timezone);
        location.reload();
        return;
      }
      showZoneNotice(data.timezone);
    }).catch(function () { /* tried again on the next page */ });
  }

  // --- The app shell -----------------------------------------------------------------------
  if ("serviceWorker" in navigator && page.dataset.sw) {
    navigator.serviceWorker.register(page.dataset.sw, { scope: "/" }).catch(function () {});
  }
  // The pictures of Today's exercises stay on the phone for a day without a network: the
  // worker keeps the same-origin pictures this list shows, and lets go of the others. Asked
  // once the page has loaded, so its fetches never hold up the page's own.
  var pictureList = document.querySelector("[data-offline-pictures]");
  if (pictureList && "serviceWorker" in navigator && page.dataset.sw) {
    window.addEventListener("load", function () {
      var urls = [];
      Array.prototype.forEach.call(pictureList.querySelectorAll("img[data-keep-offline]"),
        function (img) {
          var url = new URL(img.getAttribute("src"), location.href);
          if (url.origin === location.origin && urls.indexOf(url.href) < 0) { urls.push(url.href); }
        });
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) {
          registration.active.postMessage({ type: "keep-pictures", urls: urls });
        }
      });
    });
  }
  // Pages kept for offline use leave the phone with the person who logged out; the outbox
  // stays, keyed to its owner, and sends at their next login.
  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/logout/']"),
    function (form) {
      form.addEventListener("submit", function () {
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.controller.postMessage({ type: "logout" });
        }
      });
    });
})();
