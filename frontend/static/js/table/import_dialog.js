// The import dialog: a file (CSV, TSV, JSON, XML) or pasted cells, read in the browser and
// previewed (the first rows), each column mapped to a field of the table, to a new text
// field, or skipped. The rows are then rebuilt as a JSON list of objects keyed by the
// chosen fields' names and imported by a `file_import` job, whose progress is shown: the
// server matches the keys to the fields, so the mapping needs nothing more from the API.

import { isReadOnly } from "./cells.js";
import { el, openDialog } from "./dom.js";
import { ImportError, parseImport, readText } from "./import_files.js";

/** Rows shown in the preview. */
const PREVIEW_ROWS = 5;
/** The largest file read in the browser: the whole file is held in memory while it is mapped. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;
const SKIP = "";
const NEW_FIELD = "new";

/** How a cell reads in the preview: objects and lists (from JSON) as JSON. */
function shown(value) {
  if (value === null || value === undefined) {
    return "";
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** `n` things, in words: "1 column", "3 columns". */
function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** `base`, or `base 2`, `base 3`… when a field already has that name (case ignored). */
function freeName(base, taken) {
  const used = new Set(taken.map((n) => n.toLowerCase()));
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) {
    name = `${base} ${n}`;
  }
  return name;
}

/**
 * Opens the dialog. `options`: api, tableId, fields() (the table's fields now),
 * onFieldsCreated(fields), onImported(), follow(job, bar, dialog, path) (polls a job).
 */
export function openImportDialog(options) {
  const { dialog, body } = openDialog("Import rows", "import-dialog");
  const file = el("input", { type: "file", id: "import-file", accept: ".csv,.tsv,.txt,.json,.xml" });
  const pasted = el("textarea", { id: "import-data", rows: 4, placeholder: "Or paste cells (tab-separated, one row per line)" });
  const header = el("input", { type: "checkbox", id: "import-header", checked: true });
  const headerRow = el("label", { class: "check-row" }, header, "The first row holds the field names");
  const summary = el("p", { id: "import-summary", class: "import-summary" });
  const table = el("table", { id: "import-preview-table" });
  const warning = el("p", { id: "import-warning", class: "import-warning", role: "status", hidden: true });
  const preview = el("section", { id: "import-preview", class: "import-preview", hidden: true }, summary, el("div", { class: "import-preview-scroll" }, table), warning);
  const bar = el("progress", { id: "import-progress", max: 100, value: 0, hidden: true });
  const status = el("p", { id: "import-status", role: "status" });
  const start = el("button", { type: "button", class: "btn btn-primary", id: "import-start", textContent: "Import", disabled: true });
  const inputs = el("fieldset", { class: "stack import-inputs" }, el("label", { class: "field-row" }, "File", file), pasted, headerRow, preview);

  /** The file read: columns, rows; `choices` keeps each column's mapping by name across re-reads. */
  let read = null;
  const choices = new Map();
  let running = false;

  // Links are kept apart from the row's columns, which is all an import writes.
  const writable = () => options.fields().filter((f) => !isReadOnly(f) && f.type !== "link_row");

  /** A column's default: the field of the same name (case ignored), else skipped. */
  const choiceOf = (column) => {
    if (!choices.has(column)) {
      const same = writable().find((f) => f.name.trim().toLowerCase() === column.trim().toLowerCase());
      choices.set(column, same ? String(same.id) : SKIP);
    }
    return choices.get(column);
  };

  /** What stops an import now, in words (null: nothing). */
  const problem = () => {
    if (!read) {
      return null;
    }
    if (!read.rows.length) {
      return "There are no rows to import.";
    }
    const picked = read.columns.map(choiceOf).filter((c) => c !== SKIP && c !== NEW_FIELD);
    const twice = picked.find((c, i) => picked.indexOf(c) !== i);
    if (twice) {
      const field = writable().find((f) => String(f.id) === twice);
      return `Two columns go to “${field?.name}”: choose one of them.`;
    }
    if (read.columns.every((c) => choiceOf(c) === SKIP)) {
      return "Every column is skipped: map at least one to a field.";
    }
    return null;
  };

  const refresh = () => {
    const blocked = problem();
    start.disabled = running || !read || Boolean(blocked);
    inputs.disabled = running;
    if (!read) {
      warning.hidden = true;
      return;
    }
    const skipped = read.columns.filter((c) => choiceOf(c) === SKIP);
    const names = skipped.map((c) => `“${c}”`).join(", ");
    const lines = [];
    if (skipped.length) {
      lines.push(
        skipped.length === 1
          ? `1 column matches no field: ${names} will be skipped unless you map it.`
          : `${skipped.length} columns match no field: ${names} will be skipped unless you map them.`,
      );
    }
    if (blocked) {
      lines.push(blocked);
    }
    warning.textContent = lines.join(" ");
    warning.hidden = !lines.length;
  };

  const mappingSelect = (column, index) => {
    const fields = writable();
    const onchange = (e) => {
      choices.set(column, e.target.value);
      refresh();
    };
    const select = el(
      "select",
      { "aria-label": `Field for the column “${column}”`, "data-column": String(index), onchange },
      el("option", { value: SKIP, textContent: "Skip this column" }),
      el("option", { value: NEW_FIELD, textContent: "New text field" }),
      ...fields.map((f) => el("option", { value: String(f.id), textContent: f.name })),
    );
    select.value = choiceOf(column);
    return select;
  };

  const drawPreview = () => {
    if (!read) {
      preview.hidden = true;
      return;
    }
    headerRow.hidden = !read.headerApplies;
    const shownRows = read.rows.slice(0, PREVIEW_ROWS);
    summary.textContent =
      read.rows.length > PREVIEW_ROWS
        ? `${count(read.rows.length, "row", "rows")} to import; the first ${PREVIEW_ROWS} are shown. Choose where each column goes:`
        : `${count(read.rows.length, "row", "rows")} to import. Choose where each column goes:`;
    table.replaceChildren(
      el(
        "thead",
        {},
        el("tr", {}, ...read.columns.map((c) => el("th", { scope: "col", textContent: c }))),
        el("tr", { class: "import-mapping" }, ...read.columns.map((c, i) => el("td", {}, mappingSelect(c, i)))),
      ),
      el("tbody", {}, ...shownRows.map((row) => el("tr", {}, ...read.columns.map((_, i) => el("td", { textContent: shown(row[i]) }))))),
    );
    preview.hidden = false;
  };

  /** Reads the chosen file, else the pasted text, and redraws the preview. */
  const reread = async () => {
    status.textContent = "";
    bar.hidden = true;
    try {
      if (file.files.length) {
        const chosen = file.files[0];
        if (chosen.size > MAX_FILE_BYTES) {
          throw new ImportError("This file is larger than 100 MB, too large to preview and map here: split it into smaller files.");
        }
        read = parseImport(await readText(chosen), chosen.name, header.checked);
      } else if (pasted.value.trim()) {
        read = parseImport(pasted.value, "", header.checked);
      } else {
        read = null;
      }
    } catch (e) {
      read = null;
      status.textContent = e instanceof ImportError ? e.message : "The file could not be read.";
    }
    drawPreview();
    refresh();
  };

  let pause = null;
  file.addEventListener("change", reread);
  header.addEventListener("change", reread);
  pasted.addEventListener("input", () => {
    clearTimeout(pause);
    pause = setTimeout(reread, 150);
  });

  /** Creates the new fields asked for; returns every kept column's index and field name. */
  const targets = async () => {
    const kept = [];
    const created = [];
    for (const [index, column] of read.columns.entries()) {
      const choice = choiceOf(column);
      if (choice === NEW_FIELD) {
        const taken = [...options.fields(), ...created].map((f) => f.name);
        const field = await options.api.post(`/database/fields/table/${options.tableId}/`, { name: freeName(column, taken), type: "text" });
        created.push(field);
        choices.set(column, String(field.id));
        kept.push([index, field.name]);
      } else if (choice !== SKIP) {
        kept.push([index, writable().find((f) => String(f.id) === choice).name]);
      }
    }
    if (created.length) {
      options.onFieldsCreated(created);
    }
    return kept;
  };

  start.addEventListener("click", async () => {
    running = true;
    refresh();
    bar.value = 0;
    bar.hidden = false;
    status.textContent = "Importing…";
    try {
      const kept = await targets();
      drawPreview();
      const items = read.rows.map((row) => Object.fromEntries(kept.map(([i, name]) => [name, row[i] ?? null])));
      const rebuilt = new File([JSON.stringify(items)], "import.json", { type: "application/json" });
      const upload = await options.api.upload("/database/import/upload/", rebuilt);
      const request = { type: "file_import", table_id: options.tableId, upload_id: upload.upload_id, format: "json" };
      const job = await options.follow(await options.api.post("/jobs/", request), bar, dialog, (j) => `/jobs/${j.id}/`);
      if (job.state === "finished") {
        const report = job.report || {};
        const refused = report.failing_row_count
          ? ` ${count(report.failing_row_count, "row was", "rows were")} left out: their values do not fit their fields.`
          : "";
        // A field renamed or deleted by someone else meanwhile leaves its column out.
        const ignored = (report.ignored_columns || []).map((c) => `“${c}”`).join(", ");
        const unwritten = ignored ? ` Not imported, as no field has their names any more: ${ignored}.` : "";
        status.textContent = `Imported ${count(report.imported_row_count ?? 0, "row", "rows")}.${refused}${unwritten}`;
        options.onImported();
      } else {
        status.textContent = job.human_readable_error || `The import ${job.state}.`;
      }
    } catch (e) {
      status.textContent = e.message;
    } finally {
      running = false;
      refresh();
    }
  });

  body.append(el("div", { class: "stack" }, inputs, bar, status, el("div", { class: "actions" }, start)));
}
