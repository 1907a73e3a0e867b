//! The file preview: a dialog over the page showing one file of a cell at a time. Images
//! are shown large (the server serves them inline); every other file, PDFs included, is
//! served only as a download (an attachment under a sandboxing policy), so it shows as a
//! card with its name, size and type and a Download link. ‹ and › (or the arrow keys) move
//! through the cell's files; Escape or × closes.

import { el, openDialog } from "./dom.js";
import { fileExtension, fileName, formatSize, safeUrl } from "./files.js";

const DIALOG_ID = "file-preview";

/** The type a file shows: its MIME type, else its extension. */
function typeText(file) {
  const mime = typeof file.mime_type === "string" ? file.mime_type : "";
  return mime && mime !== "application/octet-stream" ? mime : `${fileExtension(file)} file`;
}

function uploadedText(file) {
  const date = file.uploaded_at ? new Date(file.uploaded_at) : null;
  return date && !Number.isNaN(date.getTime())
    ? date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
    : "";
}

/**
 * Opens the preview of `files` at `index` (replacing an open one).
 * @returns {HTMLDialogElement|null}
 */
export function openFilePreview(files, index = 0) {
  if (!files.length) {
    return null;
  }
  const { dialog, body, heading } = openDialog("", DIALOG_ID);
  dialog.classList.add("file-preview");
  let at = Math.max(0, Math.min(index, files.length - 1));

  const stage = el("div", { class: "file-preview-stage" });
  const details = el("p", { class: "file-preview-details" });
  const download = el("a", { class: "btn btn-small file-download", textContent: "Download", rel: "noopener noreferrer" });
  const prev = el("button", { type: "button", class: "btn btn-small file-prev", textContent: "‹", "aria-label": "Previous file" });
  const next = el("button", { type: "button", class: "btn btn-small file-next", textContent: "›", "aria-label": "Next file" });
  const counter = el("span", { class: "file-preview-count", "aria-live": "polite" });
  const nav = el("div", { class: "file-preview-nav" }, prev, counter, next);
  body.append(stage, el("div", { class: "file-preview-footer" }, details, el("div", { class: "file-preview-actions" }, nav, download)));

  function show() {
    const file = files[at];
    const name = fileName(file);
    heading.textContent = name;
    heading.title = name;
    dialog.dataset.fileName = String(file.name ?? "");
    const url = safeUrl(file.url);
    if (file.is_image && url) {
      stage.replaceChildren(el("img", { class: "file-preview-image", src: url, alt: name }));
      stage.className = "file-preview-stage is-image";
    } else {
      stage.replaceChildren(
        el(
          "div",
          { class: "file-card" },
          el("span", { class: "file-card-icon", "aria-hidden": "true", textContent: fileExtension(file) }),
          el("strong", { class: "file-card-name", textContent: name }),
          el("span", { class: "file-card-meta", textContent: [formatSize(file.size), typeText(file)].filter(Boolean).join(" · ") }),
          el("span", { class: "file-card-note", textContent: "This file cannot be shown here; download it to open it." }),
        ),
      );
      stage.className = "file-preview-stage is-file";
    }
    // The card already says the size and type of a file that is not an image.
    const parts = file.is_image ? [formatSize(file.size), typeText(file)] : [];
    if (file.is_image && file.image_width && file.image_height) {
      parts.push(`${file.image_width} × ${file.image_height}`);
    }
    const uploaded = uploadedText(file);
    if (uploaded) {
      parts.push(`uploaded ${uploaded}`);
    }
    details.textContent = parts.filter(Boolean).join(" · ");
    if (url) {
      download.href = url;
      download.download = name;
      download.hidden = false;
    } else {
      download.removeAttribute("href");
      download.hidden = true;
    }
    counter.textContent = `${at + 1} of ${files.length}`;
    nav.hidden = files.length < 2;
    prev.disabled = at === 0;
    next.disabled = at === files.length - 1;
  }

  function move(step) {
    const to = at + step;
    if (to >= 0 && to < files.length) {
      at = to;
      show();
    }
  }

  prev.addEventListener("click", () => move(-1));
  next.addEventListener("click", () => move(1));
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      event.stopPropagation();
      move(event.key === "ArrowLeft" ? -1 : 1);
    } else if (event.key === "Escape") {
      // Only the preview closes (not a dialog under it, nor a cell editor).
      event.stopPropagation();
    }
  });
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) {
      const r = dialog.getBoundingClientRect();
      const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
      if (!inside) {
        dialog.close();
      }
    }
  });
  show();
  dialog.querySelector(".dialog-close")?.focus();
  return dialog;
}
