//! Uploading files into `file` cells, from the grid (a drop, a paste, the cell's editor)
//! and the expanded row alike: each file goes to /api/user-files/upload-file/ with
//! XMLHttpRequest (whose upload reports progress) and the page's access token, then the
//! uploaded files are appended to the cell's value as it is by then, in one row PATCH.
//! Uploads in progress are kept here by cell, so whatever shows the cell (a grid row drawn
//! again, an editor, the expanded row) shows their progress bars. Failures are told in
//! words, never as error codes.

import { accessToken, renewAccessToken } from "../session.js";
import { filesOf } from "./files.js";

const UPLOAD_URL = "/api/user-files/upload-file/";

/** An upload refused by the server (or never answered), with a sentence to show. */
export class UploadError extends Error {
  constructor(fileName, status, body) {
    super(`“${fileName}” could not be uploaded: ${reason(status, body)}`);
    this.status = status;
    this.code = body?.error ?? null;
  }
}

/** Why an upload failed, in words: the server's own sentence when it sent one. */
function reason(status, body) {
  const detail = typeof body?.detail === "string" ? body.detail.trim() : "";
  if (detail && !/^ERROR_[A-Z_]+$/.test(detail)) {
    return detail;
  }
  switch (body?.error) {
    case "ERROR_FILE_SIZE_TOO_LARGE":
      return "the file is larger than this server accepts.";
    case "ERROR_USER_FILE_QUOTA_EXCEEDED":
      return "there is no storage space left for your files.";
    case "ERROR_INVALID_FILE":
      return "the file is empty or could not be read.";
    case "ERROR_RATE_LIMIT_EXCEEDED":
      return "too many uploads at once; try again in a minute.";
    default:
      break;
  }
  if (status === 0) {
    return "the server could not be reached (the file may be too large, or the connection dropped).";
  }
  if (status === 413) {
    return "the file is larger than this server accepts.";
  }
  if (status === 401 || status === 403) {
    return "you may not upload files here.";
  }
  return `the server answered with an error (${status}).`;
}

/**
 * Uploads one file; answers what the server stored (`{name, url, thumbnails, …}`).
 * @param {File} file
 * @param {function(number, number): void} [onProgress]  (bytes sent, bytes in all)
 */
export function uploadFile(file, onProgress) {
  const send = (token) =>
    new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", UPLOAD_URL);
      xhr.setRequestHeader("Authorization", `JWT ${token}`);
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (event) => {
        onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
      });
      xhr.addEventListener("load", () => resolve({ status: xhr.status, body: xhr.response }));
      xhr.addEventListener("error", () => resolve({ status: 0, body: null }));
      xhr.addEventListener("abort", () => resolve({ status: 0, body: null }));
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
  return (async () => {
    let answer = await send(await accessToken());
    if (answer.status === 401) {
      // Expired early (a clock difference): renew once and send again.
      answer = await send(await renewAccessToken());
    }
    if (answer.status < 200 || answer.status >= 300 || !answer.body?.name) {
      throw new UploadError(file.name, answer.status, answer.body);
    }
    onProgress?.(file.size, file.size);
    return answer.body;
  })();
}

// Uploads in progress, by cell.

const inProgress = new Map();
const listeners = new Set();

/** The key of a cell (field ids are unique across tables). */
export function cellKey(fieldId, rowId) {
  return `${fieldId}:${rowId}`;
}

/** The uploads in progress into a cell: `[{name, loaded, total}]`. */
export function uploadsOf(key) {
  return inProgress.get(key) ?? [];
}

/** Calls `listener(key)` whenever the uploads of a cell change; answers an unsubscribe. */
export function watchUploads(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(key) {
  for (const listener of listeners) {
    listener(key);
  }
}

/** A file as a file cell's write names it (the server fills in the rest). */
export function fileRef(file) {
  return { name: file.name, visible_name: file.visible_name ?? file.original_name ?? file.name };
}

/** What a cell shows for an uploaded file until the row is saved. */
function shownFile(uploaded, localName) {
  return { ...uploaded, visible_name: localName || uploaded.original_name || uploaded.name };
}

/**
 * Uploads `files` into a cell and appends the ones that arrived to its value.
 * @param {object} options
 * @param {string} options.key  the cell's key (cellKey)
 * @param {File[]} options.files
 * @param {function(): *} options.current  the cell's value now (read when saving)
 * @param {function(object[], object[]): Promise<object|undefined>} options.save  saves
 *   `[{name, visible_name}]` (and the files to show meanwhile); answers the saved row
 * @returns {Promise<{saved: (object|undefined), errors: string[]}>}
 */
export async function attachFiles({ key, files, current, save }) {
  const list = Array.from(files || []).filter((f) => f instanceof Blob);
  if (list.length === 0) {
    return { saved: undefined, errors: [] };
  }
  const entries = list.map((file) => ({ name: file.name || "file", loaded: 0, total: file.size || 0 }));
  inProgress.set(key, uploadsOf(key).concat(entries));
  changed(key);
  let frame = 0;
  const tick = () => {
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        changed(key);
      });
    }
  };
  const results = await Promise.allSettled(
    list.map((file, i) =>
      uploadFile(file, (loaded, total) => {
        entries[i].loaded = loaded;
        entries[i].total = total;
        tick();
      }),
    ),
  );
  const uploaded = [];
  const errors = [];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") {
      uploaded.push(shownFile(result.value, list[i].name));
    } else {
      errors.push(result.reason?.message || `“${list[i].name}” could not be uploaded.`);
    }
  });
  let saved;
  try {
    if (uploaded.length > 0) {
      const before = filesOf(current());
      const shown = before.concat(uploaded);
      saved = await save(shown.map(fileRef), shown);
      if (!saved) {
        errors.push(
          uploaded.length === 1
            ? `“${uploaded[0].visible_name}” was uploaded but could not be added to the cell.`
            : "The files were uploaded but could not be added to the cell.",
        );
      }
    }
  } finally {
    cancelAnimationFrame(frame);
    const left = uploadsOf(key).filter((entry) => !entries.includes(entry));
    if (left.length > 0) {
      inProgress.set(key, left);
    } else {
      inProgress.delete(key);
    }
    changed(key);
  }
  return { saved, errors };
}

/** Whether a drag carries files (not text or a link being dragged). */
export function dragHasFiles(event) {
  return Array.from(event.dataTransfer?.types ?? []).includes("Files");
}

/** Progress bars of uploads, one item per file ("name 45 %"). */
export function uploadItems(entries) {
  return entries.map((entry) => {
    const percent = entry.total > 0 ? Math.min(100, Math.round((entry.loaded / entry.total) * 100)) : 0;
    const item = document.createElement("span");
    item.className = "file-uploading";
    item.title = `Uploading ${entry.name}`;
    const name = document.createElement("span");
    name.className = "file-uploading-name";
    name.textContent = entry.name;
    const bar = document.createElement("span");
    bar.className = "file-progress";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", `Uploading ${entry.name}`);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", String(percent));
    const fill = document.createElement("span");
    fill.className = "file-progress-fill";
    fill.style.width = `${percent}%`;
    bar.append(fill);
    item.append(name, bar);
    return item;
  });
}
