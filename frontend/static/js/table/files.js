//! File values (`file` cells, `[{name, visible_name, url, thumbnails, is_image, …}]`) as the
//! grid shows them: a small thumbnail for each image and a name chip for other files, each
//! opening the file in a new tab. Names are inserted as text; URLs come from the server.

/** The files of a cell value (an empty list for anything else). */
export function filesOf(value) {
  return Array.isArray(value) ? value.filter((file) => file && typeof file === "object") : [];
}

/** The names a file value shows, comma-separated (copying, plain renders). */
export function filesText(value) {
  return filesOf(value)
    .map((file) => file.visible_name ?? file.name ?? "")
    .join(", ");
}

/** Only http(s) URLs are ever put in an `href` or `src`. */
function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}

/** One file as a link: the `tiny` thumbnail of an image, else its name in a chip. */
export function fileItem(file) {
  const name = String(file.visible_name ?? file.name ?? "");
  const a = document.createElement("a");
  a.className = "file-item";
  a.title = name;
  a.rel = "noopener noreferrer";
  a.target = "_blank";
  const href = safeUrl(file.url);
  if (href) {
    a.href = href;
  }
  const thumb = file.is_image ? safeUrl(file.thumbnails?.tiny?.url) : null;
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
  return a;
}
