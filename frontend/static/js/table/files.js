//! File values (`file` cells, `[{name, visible_name, url, thumbnails, is_image, …}]`) as the
//! page shows them: a small thumbnail for each image and a name chip for other files. A
//! click opens the file preview (file_preview.js) on that file; a modified click (a new
//! tab) follows the link to the file itself. Names are inserted as text; URLs come from
//! the server and only http(s) ones are used.

import { openFilePreview } from "./file_preview.js";

/** The files of a cell value (an empty list for anything else). */
export function filesOf(value) {
  return Array.isArray(value) ? value.filter((file) => file && typeof file === "object") : [];
}

/** The name a file shows. */
export function fileName(file) {
  return String(file.visible_name ?? file.original_name ?? file.name ?? "");
}

/** The names a file value shows, comma-separated (copying, plain renders). */
export function filesText(value) {
  return filesOf(value).map(fileName).join(", ");
}

/** Only http(s) URLs are ever put in an `href` or `src`. */
export function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}

/** A thumbnail's URL (`tiny`, `small` or `card_cover`) of an image, else null. */
export function thumbnailUrl(file, size) {
  return file.is_image ? safeUrl(file.thumbnails?.[size]?.url) : null;
}

/** A size in bytes as people read it: "820 B", "14.2 KB", "3.1 MB". */
export function formatSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) {
    return "";
  }
  if (n < 1024) {
    return `${n} B`;
  }
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A file's extension in capitals ("PDF"), for a file without a thumbnail. */
export function fileExtension(file) {
  const match = /\.([a-z0-9]{1,5})$/i.exec(fileName(file)) || /\.([a-z0-9]{1,5})$/i.exec(String(file.name ?? ""));
  return match ? match[1].toUpperCase() : "FILE";
}

/** Whether a click should be left to the browser (a new tab or window, a download). */
function modifiedClick(event) {
  return event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey;
}

/**
 * One file as a link: the `tiny` thumbnail of an image, else its name in a chip. A click
 * opens the preview of `files` at this one.
 * @param {object} file
 * @param {number} [index]  its place in `files`
 * @param {object[]} [files]  the cell's files, which the preview moves through
 */
export function fileItem(file, index = 0, files = [file]) {
  const name = fileName(file);
  const a = document.createElement("a");
  a.className = "file-item";
  a.title = name;
  a.rel = "noopener noreferrer";
  a.target = "_blank";
  a.dataset.fileName = String(file.name ?? "");
  const href = safeUrl(file.url);
  if (href) {
    a.href = href;
  }
  const thumb = thumbnailUrl(file, "tiny");
  if (thumb) {
    const img = document.createElement("img");
    img.className = "file-thumb";
    img.src = thumb;
    img.alt = name;
    img.loading = "lazy";
    a.append(img);
  } else {
    a.classList.add("chip", "chip-file");
    a.textContent = name;
  }
  a.addEventListener("click", (event) => {
    if (modifiedClick(event)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    openFilePreview(filesOf(files), index);
  });
  return a;
}
