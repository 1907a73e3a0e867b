//! A link field in the expanded row: its links as chips (each opens the linked row, "×"
//! removes the link) and "+ Add link", which opens the link picker under the field (a
//! click on the field's empty space or Enter on it does too).

import { el } from "./dom.js";
import { linkChip, linkIds, linksOf } from "./links.js";
import { openLinkedRow } from "./linked_row_dialog.js";
import { openLinkPicker } from "./link_picker.js";

/**
 * Fills `box` with the links of `field`.
 * @param {HTMLElement} box
 * @param {object} field  a link_row field
 * @param {*} value  its links
 * @param {object} options
 * @param {function(number[], object[]): Promise<object|undefined>} options.save  saves ids
 *   (and the links to show meanwhile); answers the saved row
 * @param {boolean} [options.readOnly]
 */
export function showLinkField(box, field, value, { save, readOnly = false }) {
  const links = linksOf(value);
  const open = (link) => openLinkedRow(field.link_row_table_id, link);
  const remove = readOnly
    ? undefined
    : (link) => {
        const kept = links.filter((l) => l.id !== link.id);
        return save(linkIds(kept), kept);
      };
  const chips = links.map((link) => linkChip(link, { open, remove }));
  box.replaceChildren(el("span", { class: "link-list" }, ...chips));
  box.classList.add("cell", "cell-link_row");
  if (!readOnly) {
    const multiple = field.link_row_multiple_relationships !== false;
    const text = links.length > 0 && !multiple ? "Change link" : "+ Add link";
    box.append(el("button", { type: "button", class: "link-add", textContent: text, "aria-label": `${text} to ${field.name}` }));
  }
}

/**
 * Opens the picker under a link field's box in the expanded row; answers its handle, or
 * null when one is already open there.
 */
export function openLinkFieldPicker(box, field, value, save, onClose) {
  if (box.classList.contains("editing")) {
    return null;
  }
  box.classList.add("editing");
  return openLinkPicker({
    anchor: box,
    field,
    links: value,
    save,
    showChips: false,
    onClose: () => {
      box.classList.remove("editing");
      onClose?.();
    },
  });
}
