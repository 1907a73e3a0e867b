// The table page's title renames the table: a click (or Enter on it) turns it into a name
// field; Enter saves, Escape cancels, and a refused name is explained under the field.

import { editName } from "./name_input.js";
import { setName } from "./tree.js";

/** The title's tooltip: the whole name (a long one is cut) and what a click does. */
export function renameHint(name) {
  return `${name} — click to rename`;
}

export function setUpTitleRename(api) {
  const title = document.getElementById("table-name");
  const page = document.querySelector(".table-page");
  if (!title || !page) {
    return;
  }
  const tableId = Number(page.dataset.tableId);
  title.tabIndex = 0;
  title.classList.add("renamable");
  title.title = renameHint(title.textContent);
  let editing = false;
  const start = () => {
    if (editing) {
      return;
    }
    editing = true;
    editName({
      place: title,
      hide: [title],
      value: title.textContent,
      label: "Table name",
      className: "title-rename",
      save: async (name) => {
        const table = await api.patch(`/database/tables/${tableId}/`, { name });
        setName("table", tableId, table.name);
      },
      returnFocus: title,
      onClose: () => {
        editing = false;
      },
    });
  };
  title.addEventListener("click", start);
  title.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      start();
    }
  });
}
