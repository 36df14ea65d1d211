/* Countdown for timed holds. Works from the clock, not by counting ticks, so a phone that
 * throttles a background tab still ends the hold on time. */
(function () {
  "use strict";

  var timers = new WeakMap();

  function format(el, seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    if (minutes) { return minutes + ":" + String(rest).padStart(2, "0"); }
    return (el.dataset.format || "%(seconds)s s").replace("%(seconds)s", seconds);
  }

  function stateOf(el) {
    var state = timers.get(el);
    if (!state) {
      var seconds = parseInt(el.dataset.seconds, 10) || 0;
      state = { seconds: seconds, remaining: seconds, endsAt: 0, interval: null, holds: 0 };
      timers.set(el, state);
    }
    return state;
  }

  function parts(el) {
    return {
      display: el.querySelector(".timer-display"),
      toggle: el.querySelector("[data-timer-toggle]"),
      reset: el.querySelector("[data-timer-reset]"),
      status: el.querySelector(".timer-status")
    };
  }

  function show(el, state) {
    parts(el).display.textContent = format(el, state.remaining);
  }

  function stop(state) {
    if (state.interval) { clearInterval(state.interval); }
    state.interval = null;
  }

  // With a target, holds count toward it ("1 of 4"); when both sides are done they take
  // turns, right first, so the patient is told which side comes next.
  function sideOf(text, hold) {
    return hold % 2 ? text.dataset.right : text.dataset.left;
  }

  function countText(el, state, text) {
    var target = parseInt(el.dataset.target, 10) || 0;
    if (!target) { return text.dataset.count.replace("%(count)s", state.holds); }
    var said = text.dataset.of.replace("%(count)s", state.holds).replace("%(total)s", target);
    if (el.hasAttribute("data-both-sides") && state.holds < target) {
      said += " · " + (state.holds % 2 ? text.dataset.leftNext : text.dataset.rightNext);
    }
    return said;
  }

  function finish(el, state) {
    var p = parts(el);
    stop(state);
    state.holds += 1;
    state.remaining = state.seconds;
    p.toggle.textContent = p.toggle.dataset.start;
    var target = parseInt(el.dataset.target, 10) || 0;
    var last = target && state.holds >= target;
    p.status.textContent = (last ? p.status.dataset.last : p.status.dataset.done) + " " +
      countText(el, state, p.status);
    if (navigator.vibrate) { navigator.vibrate([200, 100, 200]); }
    var fill = el.dataset.fill && document.querySelector(el.dataset.fill);
    if (fill && !fill.value) { fill.value = state.seconds; }
    show(el, state);
  }

  function tick(el, state) {
    state.remaining = Math.max(0, Math.ceil((state.endsAt - Date.now()) / 1000));
    show(el, state);
    if (state.remaining === 0) { finish(el, state); }
  }

  function toggle(el) {
    var state = stateOf(el);
    var p = parts(el);
    if (state.interval) {
      stop(state);
      p.toggle.textContent = p.toggle.dataset.resume;
      return;
    }
    state.endsAt = Date.now() + state.remaining * 1000;
    state.interval = setInterval(function () { tick(el, state); }, 250);
    p.toggle.textContent = p.toggle.dataset.pause;
    p.reset.hidden = false;
    p.status.textContent = el.hasAttribute("data-both-sides")
      ? sideOf(p.status, state.holds + 1) : "";
  }

  function reset(el) {
    var state = stateOf(el);
    var p = parts(el);
    stop(state);
    state.remaining = state.seconds;
    p.toggle.textContent = p.toggle.dataset.start;
    p.reset.hidden = true;
    show(el, state);
  }

  function reveal(root) {
    var found = root.querySelectorAll ? root.querySelectorAll("[data-timer]") : [];
    Array.prototype.forEach.call(found, function (el) { el.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-timer-toggle], [data-timer-reset]");
    if (!button) { return; }
    var el = button.closest("[data-timer]");
    if (!el) { return; }
    if (button.hasAttribute("data-timer-toggle")) { toggle(el); } else { reset(el); }
  });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
  reveal(document);
})();
