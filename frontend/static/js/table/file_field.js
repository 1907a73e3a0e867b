//! Editing a `file` field's files, in the grid cell's editor (a popup under the cell) and
//! in the expanded row: the files (each opens the preview, × removes it), the uploads in
//! progress with their bars, and "Add files", which opens the browser's file chooser. Both
//! also take files dropped on them or pasted into them. Files are uploaded and appended by
//! uploads.js; a removal saves the rest at once.

import { el } from "./dom.js";
import { openFilePreview } from "./file_preview.js";
import { fileExtension, fileItem, fileName, filesOf, formatSize, thumbnailUrl } from "./files.js";
import { showCellNotice } from "./cell_notice.js";
import { attachFiles, cellKey, dragHasFiles, fileRef, uploadItems, uploadsOf, watchUploads } from "./uploads.js";

/** A hidden `<input type=file multiple>` calling `onFiles` with what is chosen. */
function fileInput(field, onFiles) {
  const input = el("input", {
    type: "file",
    multiple: true,
    class: "file-input",
    tabIndex: -1,
    hidden: true,
    "aria-label": `Files to add to ${field.name}`,
  });
  input.addEventListener("change", () => {
    const files = Array.from(input.files || []);
    input.value = "";
    if (files.length > 0) {
      onFiles(files);
    }
  });
  return input;
}

/**
 * Makes `zone` take dropped files (highlighted while files are dragged over it).
 * Answers a function that stops it.
 */
export function dropZone(zone, onFiles) {
  let depth = 0;
  const clear = () => {
    depth = 0;
    zone.classList.remove("drop-target");
  };
  const enter = (event) => {
    if (dragHasFiles(event)) {
      event.preventDefault();
      depth += 1;
      zone.classList.add("drop-target");
    }
  };
  const over = (event) => {
    if (dragHasFiles(event)) {
      event.preventDefault();
      event.stopPropagation();
      event.dataTransfer.dropEffect = "copy";
      zone.classList.add("drop-target");
    }
  };
  const leave = () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) {
      zone.classList.remove("drop-target");
    }
  };
  const drop = (event) => {
    if (!dragHasFiles(event) && !event.dataTransfer?.files?.length) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    clear();
    const files = Array.from(event.dataTransfer.files || []);
    if (files.length > 0) {
      onFiles(files);
    }
  };
  zone.addEventListener("dragenter", enter);
  zone.addEventListener("dragover", over);
  zone.addEventListener("dragleave", leave);
  zone.addEventListener("drop", drop);
  return () => {
    zone.removeEventListener("dragenter", enter);
    zone.removeEventListener("dragover", over);
    zone.removeEventListener("dragleave", leave);
    zone.removeEventListener("drop", drop);
    clear();
  };
}

/** The files of a paste (images copied from another page or app, files from a file manager). */
export function pastedFiles(event) {
  return Array.from(event.clipboardData?.files || []);
}

/** A "×" that removes a file. */
function removeButton(file, onRemove) {
  const name = fileName(file);
  const button = el("button", { type: "button", class: "chip-remove file-remove", textContent: "×", "aria-label": `Remove ${name}`, title: `Remove ${name}` });
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    onRemove(file);
  });
  return button;
}

/** Redraws the uploads in progress of a cell inside `container`. */
function drawUploads(container, key) {
  const entries = uploadsOf(key);
  container.replaceChildren(...uploadItems(entries));
  container.hidden = entries.length === 0;
}

/**
 * The expanded row's file field: the files as in the grid, each with ×, the uploads in
 * progress and "+ Add files". Drop and paste add files too.
 * @param {HTMLElement} box  the field's box (the dialog's `dd`)
 * @param {object} field  a file field
 * @param {object} options
 * @param {number} options.rowId
 * @param {function(): *} options.value  the field's value now
 * @param {function(object[], object[]): Promise<object|undefined>} options.save  saves
 *   `[{name, visible_name}]` (and the files to show meanwhile); answers the saved row
 * @param {boolean} [options.readOnly]
 * @returns {{show: function(): void, add: function(File[]): Promise<void>, pick: function(): void, stop: function(): void}}
 */
export function fileField(box, field, { rowId, value, save, readOnly = false }) {
  const key = cellKey(field.id, rowId);
  const list = el("span", { class: "file-list" });
  const uploads = el("span", { class: "file-uploads", hidden: true });
  const input = readOnly ? null : fileInput(field, (files) => add(files));
  const addButton = readOnly
    ? null
    : el("button", { type: "button", class: "link-add file-add", textContent: "+ Add files", "aria-label": `Add files to ${field.name}` });
  addButton?.addEventListener("click", (event) => {
    event.stopPropagation();
    input.click();
  });

  function show() {
    const files = filesOf(value());
    list.replaceChildren(
      ...files.map((file, i) => {
        const entry = el("span", { class: "file-entry" }, fileItem(file, i, files));
        if (!readOnly) {
          entry.append(removeButton(file, () => remove(file, i)));
        }
        return entry;
      }),
    );
    drawUploads(uploads, key);
    box.replaceChildren(list, uploads, ...(readOnly ? [] : [addButton, input]));
    box.classList.add("cell", "cell-file", "file-field");
  }

  /** Removes the file shown at `index` (or, when the files changed since, the one of that name). */
  async function remove(file, index) {
    const files = filesOf(value());
    const at = files[index]?.name === file.name ? index : files.findIndex((f) => f.name === file.name);
    if (at < 0) {
      return;
    }
    const kept = files.filter((_, i) => i !== at);
    await save(kept.map(fileRef), kept);
    show();
  }

  async function add(files) {
    if (readOnly) {
      return;
    }
    const { errors } = await attachFiles({ key, files, current: value, save });
    show();
    if (errors.length > 0) {
      showCellNotice(box, errors.join(" "));
    }
  }

  const unwatch = watchUploads((changed) => {
    if (changed === key) {
      drawUploads(uploads, key);
    }
  });
  const undrop = readOnly ? () => {} : dropZone(box, add);
  const paste = (event) => {
    const files = pastedFiles(event);
    if (files.length > 0 && !readOnly) {
      event.preventDefault();
      event.stopPropagation();
      add(files);
    }
  };
  box.addEventListener("paste", paste);
  show();
  return {
    show,
    add,
    pick: () => input?.click(),
    stop: () => {
      unwatch();
      undrop();
      box.removeEventListener("paste", paste);
    },
  };
}

/** A file in the editor's list: its thumbnail (or type), its name, its size and ×. */
function fileRow(file, index, files, onRemove, onOpen) {
  const name = fileName(file);
  const thumb = thumbnailUrl(file, "small");
  const icon = thumb
    ? el("img", { class: "file-row-thumb", src: thumb, alt: "" })
    : el("span", { class: "file-row-thumb file-badge", "aria-hidden": "true", textContent: fileExtension(file) });
  const open = el("button", { type: "button", class: "file-row-name", textContent: name, title: `Preview ${name}` });
  open.addEventListener("click", () => onOpen(index));
  const size = el("span", { class: "file-row-size", textContent: formatSize(file.size) });
  return el("li", { class: "file-row", "data-file-name": String(file.name ?? "") }, icon, open, size, removeButton(file, onRemove));
}

/** Every focusable control of `root`, in order. */
function focusables(root) {
  return Array.from(root.querySelectorAll("button:not([disabled]), a[href], input:not([hidden])")).filter(
    (node) => node.offsetParent !== null,
  );
}

/**
 * The grid cell's file editor: a popup under the cell listing the cell's files (a name
 * opens the preview, × removes the file), the uploads in progress, and "Add files". Files
 * dropped on it or pasted into it are added. Escape or a click outside closes it; Tab
 * stays inside.
 * @param {object} options
 * @param {HTMLElement} options.anchor  the cell
 * @param {object} options.field
 * @param {number} options.rowId
 * @param {*} options.value  the cell's files
 * @param {function(object[], object[]): Promise<object|undefined>} options.save
 * @param {function(object[]): void} [options.onChange]  the files shown changed
 * @param {function(): void} [options.onClose]
 * @returns {{popup: HTMLElement, close: function(): void, add: function(File[]): Promise<void>}}
 */
export function openFilePopup({ anchor, field, rowId, value, save, onChange, onClose }) {
  const key = cellKey(field.id, rowId);
  let current = filesOf(value);
  let message = "";
  let closed = false;

  const popup = el("div", { class: "file-popup", role: "dialog", "aria-label": `Files of ${field.name}` });
  const list = el("ul", { class: "file-rows" });
  const uploads = el("div", { class: "file-uploads", hidden: true });
  const status = el("p", { class: "file-status", role: "status" });
  const input = fileInput(field, (files) => add(files));
  const addButton = el("button", { type: "button", class: "btn btn-small btn-primary file-add", textContent: "Add files" });
  addButton.addEventListener("click", () => input.click());
  const hint = el("span", { class: "file-hint", textContent: "or drop or paste files here" });
  popup.append(list, uploads, status, el("div", { class: "file-popup-footer" }, addButton, hint, input));

  function draw() {
    list.replaceChildren(...current.map((file, i) => fileRow(file, i, current, remove, preview)));
    list.hidden = current.length === 0;
    drawUploads(uploads, key);
    const busy = uploadsOf(key).length > 0;
    status.textContent = message || (current.length === 0 && !busy ? "No files yet." : "");
    status.classList.toggle("form-error", message !== "");
    status.hidden = status.textContent === "";
    place();
  }

  /** Saves a new list of files; the cell shows it meanwhile. */
  async function saveFiles(refs, shown) {
    current = shown;
    onChange?.(current);
    if (!closed) {
      draw();
    }
    const saved = await save(refs, shown);
    if (saved) {
      current = filesOf(saved[`field_${field.id}`]);
    }
    onChange?.(current);
    if (!closed) {
      draw();
    }
    return saved;
  }

  async function remove(file) {
    message = "";
    // The clicked × goes with its row: focus stays in the editor meanwhile, so keys
    // (Escape, Tab) still reach it while the change is saved.
    addButton.focus();
    const kept = current.filter((f) => f !== file);
    const saved = await saveFiles(kept.map(fileRef), kept);
    if (!saved && !closed) {
      message = `“${fileName(file)}” could not be removed.`;
      draw();
    }
    if (!closed) {
      (list.querySelector(".file-remove") || addButton).focus();
    }
  }

  async function add(files) {
    message = "";
    const adding = attachFiles({ key, files, current: () => current, save: saveFiles });
    if (!closed) {
      draw();
    }
    const { errors } = await adding;
    if (errors.length > 0) {
      message = errors.join(" ");
      if (closed) {
        showCellNotice(anchor.isConnected ? anchor : document.body, message);
      }
    }
    if (!closed) {
      draw();
    }
  }

  function preview(index) {
    const dialog = openFilePreview(current, index);
    dialog?.addEventListener("close", () => {
      if (!closed) {
        addButton.focus();
      }
    });
  }

  function close() {
    if (closed) {
      return;
    }
    closed = true;
    unwatch();
    undrop();
    resizes.disconnect();
    document.removeEventListener("pointerdown", outside, true);
    document.removeEventListener("scroll", place, true);
    window.removeEventListener("resize", place);
    popup.remove();
    onClose?.();
  }

  function outside(event) {
    // The preview opened from the popup is over it, not outside it.
    if (!popup.contains(event.target) && !event.target.closest?.("#file-preview, .cell-notice")) {
      close();
    }
  }

  /** Under the anchor, or above it when there is no room below; always inside the window. */
  function place() {
    if (closed) {
      return;
    }
    const rect = anchor.getBoundingClientRect();
    popup.style.width = `${Math.min(window.innerWidth - 8, Math.max(rect.width, 300))}px`;
    popup.style.left = `${Math.max(4, Math.min(rect.left, window.innerWidth - popup.offsetWidth - 4))}px`;
    const below = window.innerHeight - rect.bottom;
    if (below < popup.offsetHeight + 4 && rect.top > below) {
      popup.style.top = `${Math.max(4, rect.top - popup.offsetHeight)}px`;
    } else {
      popup.style.top = `${Math.min(rect.bottom, Math.max(4, window.innerHeight - popup.offsetHeight - 4))}px`;
    }
  }

  const unwatch = watchUploads((changed) => {
    if (changed === key && !closed) {
      draw();
    }
  });
  const undrop = dropZone(popup, add);
  popup.addEventListener("paste", (event) => {
    const files = pastedFiles(event);
    if (files.length > 0) {
      event.preventDefault();
      event.stopPropagation();
      add(files);
    }
  });
  popup.addEventListener("keydown", (event) => {
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      const items = focusables(popup);
      if (items.length === 0) {
        return;
      }
      const at = items.indexOf(document.activeElement);
      const to = event.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : at === items.length - 1 ? 0 : at + 1;
      event.preventDefault();
      items[to].focus();
    }
  });
  const resizes = new ResizeObserver(place);
  (anchor.closest("dialog") || document.body).append(popup);
  draw();
  resizes.observe(popup);
  window.addEventListener("resize", place);
  document.addEventListener("scroll", place, true);
  document.addEventListener("pointerdown", outside, true);
  addButton.focus();
  return { popup, close, add };
}
