// Reading what the import dialog is given (a CSV, TSV, JSON or XML file, or pasted cells)
// into columns and rows in the browser, so that the dialog can preview them and map each
// column to a field before anything is sent.

/** A file that cannot be read as rows: its message says why, in words. */
export class ImportError extends Error {}

/** The text of a file: UTF-8 when it is valid UTF-8, else Windows-1252 (older spreadsheets). */
export async function readText(file) {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/**
 * Reads `text` by the kind its file name ends with (pasted text has none: cells separated
 * by tabs, or by commas or semicolons when there is no tab). Returns `{columns, rows,
 * headerApplies}`; `headerApplies` is false for lists of objects, whose keys name the columns.
 */
export function parseImport(text, fileName, firstRowHeader) {
  const kind = (fileName || "").toLowerCase().split(".").pop();
  if (kind === "json") {
    return fromJson(text, firstRowHeader);
  }
  if (kind === "xml") {
    return fromXml(text);
  }
  const delimiter = kind === "csv" ? guessDelimiter(text, [",", ";", "\t"]) : guessDelimiter(text, ["\t", ",", ";"]);
  return fromCells(parseDelimited(text, delimiter), firstRowHeader);
}

/** The separator used most on the first line, the first of `preferred` on a tie. */
function guessDelimiter(text, preferred) {
  const line = text.slice(0, text.search(/\r?\n|$/));
  let best = preferred[0];
  for (const candidate of preferred) {
    if (line.split(candidate).length > line.split(best).length) {
      best = candidate;
    }
  }
  return best;
}

/** Splits delimited text into rows of cells; quoted cells may hold separators, quotes ("") and line breaks. */
export function parseDelimited(text, delimiter) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"' && cell === "") {
      quoted = true;
    } else if (c === delimiter) {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") {
        i++;
      }
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else {
      cell += c;
    }
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  // Blank lines (a trailing line break, spacing) hold no row.
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

/** Rows of cells, the first one naming the columns when `header`. */
function fromCells(cells, header) {
  const names = header && cells.length ? cells[0] : [];
  const rows = header ? cells.slice(1) : cells;
  const width = Math.max(names.length, ...rows.map((r) => r.length), 0);
  const columns = Array.from({ length: width }, (_, i) => (names[i] ?? "").trim() || `Field ${i + 1}`);
  return { columns, rows, headerApplies: true };
}

/** Objects whose keys name the columns, in the order the keys first appear. */
function fromObjects(items) {
  const columns = [];
  for (const item of items) {
    for (const key of Object.keys(item)) {
      if (!columns.includes(key)) {
        columns.push(key);
      }
    }
  }
  return { columns, rows: items.map((item) => columns.map((c) => item[c])), headerApplies: false };
}

function fromJson(text, header) {
  let items;
  try {
    items = JSON.parse(text);
  } catch (e) {
    throw new ImportError(`The file is not valid JSON (${e.message}).`);
  }
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(items) && items.every(isObject)) {
    return fromObjects(items);
  }
  if (Array.isArray(items) && items.every(Array.isArray)) {
    return fromCells(items, header);
  }
  throw new ImportError("The JSON file must hold a list of objects (one per row) or a list of lists.");
}

/** `<rows><row><name>Ann</name></row>…</rows>`: one child per row, one grandchild per cell. */
function fromXml(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  if (doc.querySelector("parsererror") || !doc.documentElement) {
    throw new ImportError("The file is not valid XML.");
  }
  const items = [...doc.documentElement.children].map((row) =>
    Object.fromEntries([...row.children].map((cell) => [cell.tagName, cell.textContent])),
  );
  return fromObjects(items);
}
