// Web push on this phone: ask the browser for a subscription and hand it to the server.
(function () {
  "use strict";
  var box = document.querySelector(".push-controls");
  if (!box) return;
  var on = document.getElementById("push-on");
  var off = document.getElementById("push-off");
  var status = document.getElementById("push-status");
  var csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";

  function say(text) { status.textContent = text; }
  function show(subscribed) { on.hidden = subscribed; off.hidden = !subscribed; }
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function send(body) {
    return fetch(box.dataset.pushUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || "");
          error.resubscribe = Boolean(data.resubscribe);
          throw error;
        }
        return data;
      });
    });
  }

  function subscribeAndSend(registration, fresh) {
    return registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(box.dataset.pushKey),
    }).then(function (subscription) {
      return send(subscription.toJSON()).catch(function (error) {
        // This browser's push address is still held by an account that never signed out
        // here. Only this browser can get a fresh address from its push service: do so once.
        if (!error.resubscribe || fresh) throw error;
        return subscription.unsubscribe().then(function () {
          return subscribeAndSend(registration, true);
        });
      });
    });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    on.disabled = true;
    say(box.dataset.unsupported || "This browser cannot show notifications from Rehabit.");
    return;
  }
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    // A subscription the browser kept after someone signed out is no longer on the server:
    // offer to turn notifications on, which hands the server this browser's address again.
    show(Boolean(subscription) && box.dataset.subscribed === "yes");
  });

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("Notifications are blocked for this site in the browser's settings.");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return subscribeAndSend(registration, false);
    }).then(function () {
      show(true);
      say("Notifications are on for this phone.");
    }).catch(function (error) {
      say(error.message || "Notifications could not be turned on. Please try again.");
    }).finally(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return send({ endpoint: endpoint, remove: true });
      });
    }).then(function () {
      show(false);
      say("Notifications are off for this phone.");
    });
  });
})();
