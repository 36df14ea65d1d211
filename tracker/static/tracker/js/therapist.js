// The therapist's workspace. No inline handlers (a nonce-based CSP comes later): behaviour
// is attached here, by data attributes.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// The program builder: after an exercise is added (or found already there), bring its row
// into view and flash it, so a row landing below the fold is never missed.
function showHighlighted() {
  const row = document.querySelector("#prescriptions [data-highlight]");
  if (!row) return;
  row.removeAttribute("data-highlight"); // once: a later swap elsewhere does not scroll back
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  row.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "center" });
  row.focus({ preventScroll: true });
  row.classList.add("just-added");
  if (!still && row.animate) {
    row.animate([{ backgroundColor: "#fff3b0" }, { backgroundColor: "transparent" }], {
      duration: 2400,
      easing: "ease-out",
    });
  }
}
document.addEventListener("htmx:afterSettle", showHighlighted);

// A plain (non-htmx) form that changes something is sent once: a double click, or a second
// press while the page is loading, would otherwise send it again. htmx forms say so with
// hx-disabled-elt / hx-sync instead, and have already cancelled the browser's own submit.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method !== "post") {
    return;
  }
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "true";
  // Disabled after this turn, so the button that was pressed still goes with the form.
  window.setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
      button.disabled = true;
    }
  }, 0);
});

// Back from the history cache, the page shows the form as it was left: sendable again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-sending]")) {
    delete form.dataset.sending;
    for (const button of form.querySelectorAll("button[disabled]")) {
      button.disabled = false;
    }
  }
});

// An open menu (the navigation's Clinic menu, a record's exports) closes on a click
// elsewhere or on Escape, as a menu does.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (!menu.contains(event.target)) {
      menu.open = false;
    }
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") {
    return;
  }
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
