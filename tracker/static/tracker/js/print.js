// The handout's "Print or save as PDF" button. A file of its own: the strict CSP allows no
// inline handlers.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
