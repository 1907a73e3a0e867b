// The cell editors by field type (one module each; text for the rest), and the edits that
// need no editor at all: a checkbox toggled by a click or Space, a rating set by a click
// on a star or a digit.

import { openCollaboratorsEditor } from "./collaborators.js";
import { openDateEditor } from "./date.js";
import { openDurationEditor } from "./duration.js";
import { openFileEditor } from "./file.js";
import { openLinkEditor } from "./link_row.js";
import { ratingFromClick, ratingFromKey } from "./rating.js";
import { openSelectEditor } from "./select.js";
import { openTextEditor } from "./text.js";

const EDITORS = {
  date: openDateEditor,
  duration: openDurationEditor,
  single_select: openSelectEditor,
  multiple_select: openSelectEditor,
  multiple_collaborators: openCollaboratorsEditor,
};

/** Editors that save each change as it is made (they are also given `save` and the row's id). */
const SAVING_EDITORS = {
  link_row: openLinkEditor,
  file: openFileEditor,
};

/**
 * Opens the editor of a field's cell. `done(value, exit)` saves, `done(undefined, exit)`
 * cancels; it is called once. `exit` says how the editor was left (`{move, text}`, see
 * text.js) when the editor knows. Editors that save each change as it is made (links) call `save(value,
 * shown)` meanwhile, `shown` being what the cell shows until the server answers; it
 * answers the saved row, or undefined when the save failed. `context` is `{rowId}`.
 */
export function openEditor(td, field, value, initialText, done, save, context = {}) {
  let finished = false;
  const once = (result, exit) => {
    if (!finished) {
      finished = true;
      done(result, exit);
    }
  };
  if (SAVING_EDITORS[field.type]) {
    return SAVING_EDITORS[field.type](td, field, value, initialText, once, save, context);
  }
  return (EDITORS[field.type] || openTextEditor)(td, field, value, initialText, once);
}

/** The value a click on `target` inside a cell sets directly, or undefined. */
export function directClick(field, value, target) {
  if (field.type === "boolean") {
    return target.closest?.(".check") ? !value : undefined;
  }
  if (field.type === "rating") {
    return ratingFromClick(field, value, target);
  }
  return undefined;
}

/** The value a key typed on the selected cell sets directly, or undefined. */
export function directKey(field, value, key) {
  if (field.type === "boolean" && key === " ") {
    return !value;
  }
  if (field.type === "rating") {
    return ratingFromKey(field, key);
  }
  return undefined;
}
