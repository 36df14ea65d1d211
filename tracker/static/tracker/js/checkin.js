/* The daily check-in: when the server turns a submit down, the patient is taken to the
 * first message instead of being left at the Save button, far below it.
 */
(function () {
  "use strict";

  // The field a message belongs to gets the focus (a screen reader then reads its label and
  // the message); a message for the whole form gets it itself.
  function focusFirstError(form) {
    var message = form.querySelector(".field-error");
    if (!message) { return; }
    var field = message.closest("fieldset, .field");
    var input = field && field.querySelector("[aria-invalid=true]");
    var target = input || message;
    if (!input) { message.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    (field || message).scrollIntoView({ block: "center" });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 422) { return; }
    var form = document.getElementById("checkin-form");
    if (form) { focusFirstError(form); }
  });
})();
