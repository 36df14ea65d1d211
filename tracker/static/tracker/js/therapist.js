// The therapist's workspace. No inline handlers (a nonce-based CSP comes later): behaviour
// is attached here, by data attributes.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
