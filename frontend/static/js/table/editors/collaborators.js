// The collaborators editor: the select popup over the workspace's members the field offers
// (`available_collaborators`), chosen ones as removable chips; saves `[{id}]`.

import { openSelectEditor } from "./select.js";

/** Members as the select editor's options. */
function asOptions(field) {
  return (field.available_collaborators || []).map((u) => ({ id: u.id, value: u.name, color: "blue" }));
}

export function openCollaboratorsEditor(td, field, value, initialText, done) {
  const asSelect = { ...field, type: "multiple_select", select_options: asOptions(field) };
  const chosen = (Array.isArray(value) ? value : []).map((u) => ({ id: u.id, value: u.name }));
  return openSelectEditor(td, asSelect, chosen, initialText, (ids, exit) =>
    done(ids === undefined ? undefined : ids.map((id) => ({ id })), exit),
  );
}
