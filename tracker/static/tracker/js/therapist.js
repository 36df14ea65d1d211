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
