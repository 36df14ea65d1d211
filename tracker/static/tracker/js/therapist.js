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

// A video's still picture, taken here in the uploader's browser (the server has no video
// decoder and never decodes a video): when a video is chosen and no still picture is, a
// frame about a second in is drawn to a canvas and put in the form's still-picture field,
// where the server checks and re-encodes it like any picture. A browser that cannot decode
// the video leaves the field empty, and the video is sent without a still, as without this.
const STILL_LONGEST_SIDE = 1280;
const STILL_WAIT_MS = 10000;
let stillRequest = 0; // a later choice of file wins over a still still being taken

function untilEvent(target, name) {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => reject(new Error("timeout")), STILL_WAIT_MS);
    const done = (event) => {
      window.clearTimeout(timer);
      target.removeEventListener(name, done);
      target.removeEventListener("error", done);
      if (event.type === "error") reject(new Error("cannot decode"));
      else resolve();
    };
    target.addEventListener(name, done);
    target.addEventListener("error", done);
  });
}

async function frameOf(file) {
  const url = URL.createObjectURL(file);
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.preload = "auto";
  try {
    const metadata = untilEvent(video, "loadeddata");
    video.src = url;
    await metadata;
    const length = video.duration;
    // A representative moment: a second in, or a third of a very short clip.
    const at = Number.isFinite(length) && length > 0 ? Math.min(1, length / 3) : 0;
    const seeked = untilEvent(video, "seeked");
    video.currentTime = at;
    await seeked;
    if (!video.videoWidth || !video.videoHeight) return null;
    const scale = Math.min(1, STILL_LONGEST_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    // JPEG: every browser exports it (Safari has no WebP encoder for canvas).
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.88));
    return blob ? { blob, canvas } : null;
  } catch {
    return null;
  } finally {
    URL.revokeObjectURL(url);
    video.removeAttribute("src");
    video.load();
  }
}

function clearTakenStill(poster, preview) {
  if (poster.dataset.fromVideo) {
    poster.files = new DataTransfer().files;
    delete poster.dataset.fromVideo;
  }
  preview.hidden = true;
  delete preview.dataset.state;
  preview.querySelector("[data-video-still-frame]").replaceChildren();
}

document.addEventListener("change", async (event) => {
  const input = event.target;
  const form = input.form;
  const preview = form?.querySelector("[data-video-still]");
  if (!preview || !(input instanceof HTMLInputElement) || input.type !== "file") return;
  const poster = form.elements.namedItem("poster");
  if (input === poster) {
    // The therapist chose a still picture (or took theirs away): theirs replaces the frame,
    // and a frame still being taken is dropped.
    stillRequest += 1;
    delete poster.dataset.fromVideo;
    clearTakenStill(poster, preview);
    return;
  }
  if (input.name !== "file") return;
  const request = ++stillRequest;
  clearTakenStill(poster, preview);
  const file = input.files[0];
  if (!file || !file.type.startsWith("video/") || poster.files.length) return;
  if (typeof DataTransfer !== "function") return;
  preview.dataset.state = "taking";
  const still = await frameOf(file);
  // Chosen again, or a still picture chosen meanwhile: this frame is no longer wanted.
  if (request !== stillRequest) return;
  if (!still || poster.files.length) {
    preview.dataset.state = "none";
    return;
  }
  const transfer = new DataTransfer();
  transfer.items.add(new File([still.blob], "still-from-video.jpg", { type: "image/jpeg" }));
  poster.files = transfer.files;
  poster.dataset.fromVideo = "true";
  still.canvas.classList.add("video-still-frame");
  still.canvas.setAttribute("aria-hidden", "true");
  preview.querySelector("[data-video-still-frame]").replaceChildren(still.canvas);
  preview.hidden = false;
  preview.dataset.state = "taken";
});
