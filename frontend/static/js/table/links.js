//! Link values (`link_row` cells, `[{id, value, order}]`) as the page shows them: the text
//! of a link ("unnamed row 7" when the linked row's primary value is empty) and link chips,
//! plain in grid cells, or buttons that open the linked row and carry a remove "×" in the
//! editors. Everything from the server is inserted as text.

/** The links of a cell value (an empty list for anything else). */
export function linksOf(value) {
  return Array.isArray(value) ? value.filter((link) => link && typeof link === "object") : [];
}

/** What a link shows: the linked row's primary text, or "unnamed row {id}". */
export function linkText(link) {
  const text = link.value === null || link.value === undefined ? "" : String(link.value);
  return text.trim() === "" ? `unnamed row ${link.id}` : text;
}

/** The ids of links, what a write of the field sends. */
export function linkIds(links) {
  return links.map((link) => link.id);
}

/**
 * A link as a chip. With `open` it is a button opening the linked row; with `remove` it
 * carries a "×" removing the link.
 * @param {{id: number, value: *}} link
 * @param {object} [actions]  {open(link), remove(link)}
 */
export function linkChip(link, actions = {}) {
  const text = linkText(link);
  const chip = document.createElement("span");
  chip.className = "chip chip-link";
  chip.dataset.linkId = String(link.id);
  if (link.value === null || link.value === undefined || String(link.value).trim() === "") {
    chip.classList.add("chip-unnamed");
  }
  if (actions.open) {
    const open = document.createElement("button");
    open.type = "button";
    open.className = "chip-open";
    open.textContent = text;
    open.title = `Open ${text}`;
    open.addEventListener("click", (event) => {
      event.stopPropagation();
      actions.open(link);
    });
    chip.append(open);
  } else {
    chip.textContent = text;
  }
  if (actions.remove) {
    chip.classList.add("chip-removable");
    const x = document.createElement("button");
    x.type = "button";
    x.className = "chip-remove";
    x.textContent = "×";
    x.setAttribute("aria-label", `Remove ${text}`);
    x.addEventListener("click", (event) => {
      event.stopPropagation();
      actions.remove(link);
    });
    chip.append(x);
  }
  return chip;
}
