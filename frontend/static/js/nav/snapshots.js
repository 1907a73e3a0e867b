// A database's snapshots (its "⋯" menu, Snapshots): the dialog lists them, newest first,
// with who took them and when; takes a new one under a name (a `create_snapshot` job,
// its progress shown); restores one as a new database of the workspace (a
// `restore_snapshot` job; the copy joins the sidebar); deletes one after a confirmation.
// Jobs begun before the dialog opened show their progress too.

import { errorText } from "../table/alert.js";
import { el, openDialog } from "../table/dom.js";
import { finishedJob } from "./jobs.js";
import { nameOf, sync } from "./tree.js";

const DIALOG_ID = "snapshots-dialog";
const TOO_LONG = "It is taking too long; it goes on in the background.";

/** Baserow's default name: the moment in UTC, e.g. "Snapshot 2026-12-08 14:05 UTC". */
function defaultName() {
  const iso = new Date().toISOString();
  return `Snapshot ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** When a snapshot was taken, in words: "just now", "5 min ago", "3 h ago", else the date. */
function takenAgo(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/** A progress bar with its line of text, hidden until shown. */
function progress(label) {
  const bar = el("progress", { class: "snapshot-progress-bar", max: 100, value: 0, "aria-label": label });
  const text = el("span", { class: "snapshot-progress-text" });
  const share = el("span", { class: "snapshot-progress-share" });
  const box = el("div", { class: "snapshot-progress", hidden: true }, bar, el("div", { class: "snapshot-progress-line" }, text, share));
  return {
    box,
    show(words) {
      bar.value = 0;
      text.textContent = words;
      share.textContent = "0 %";
      box.hidden = false;
    },
    set(percentage) {
      bar.value = percentage;
      share.textContent = `${Math.round(percentage)} %`;
    },
    hide() {
      box.hidden = true;
    },
  };
}

/** Opens the snapshots dialog of the sidebar's database item. */
export function openSnapshots(item, api) {
  const databaseId = Number(item.dataset.databaseId);
  const { dialog, body } = openDialog(`Snapshots of ${nameOf(item)}`, DIALOG_ID);
  let snapshots = [];

  const status = el("p", { class: "snapshots-status", role: "status" });
  const error = el("p", { class: "snapshots-error", role: "alert", hidden: true });
  const list = el("ul", { class: "snapshots-list", "aria-label": "Snapshots", hidden: true });
  const empty = el("p", { class: "snapshots-empty", hidden: true }, "No snapshots yet.");
  const loading = el("p", { class: "snapshots-loading" }, "Loading…");

  const input = el("input", { type: "text", id: "snapshot-name", value: defaultName(), maxLength: 160, autocomplete: "off" });
  const create = el("button", { type: "submit", class: "btn btn-primary", textContent: "Create snapshot" });
  const creating = progress("Snapshot progress");
  const form = el(
    "form",
    { class: "snapshots-create", novalidate: true },
    el("label", { for: "snapshot-name", class: "snapshots-label" }, "Create a new snapshot"),
    el("div", { class: "snapshots-create-row" }, input, creating.box, create),
  );

  const showError = (text) => {
    error.textContent = text;
    error.hidden = !text;
  };

  // Rows are kept across reads, so a restore under way keeps its progress.
  const rows = new Map();
  const render = () => {
    loading.hidden = true;
    const ids = new Set(snapshots.map((s) => s.id));
    for (const id of rows.keys()) {
      if (!ids.has(id)) rows.delete(id);
    }
    for (const s of snapshots) {
      if (!rows.has(s.id)) rows.set(s.id, row(s));
    }
    list.replaceChildren(...snapshots.map((s) => rows.get(s.id).li));
    list.hidden = snapshots.length === 0;
    empty.hidden = snapshots.length > 0;
  };

  const load = async () => {
    try {
      snapshots = await api.get(`/snapshots/application/${databaseId}/`);
      render();
    } catch (e) {
      loading.hidden = true;
      showError(errorText(e));
    }
  };

  /** One snapshot: its name, who took it and when, Restore and Delete. */
  const row = (snapshot) => {
    const taken = new Date(snapshot.created_at);
    const by = snapshot.created_by ? `${snapshot.created_by.username} · ` : "";
    const when = el("time", { dateTime: snapshot.created_at, title: taken.toLocaleString(), textContent: takenAgo(snapshot.created_at) });
    const info = el(
      "div",
      { class: "snapshot-info" },
      el("span", { class: "snapshot-name", textContent: snapshot.name }),
      el("span", { class: "snapshot-detail" }, by, when),
    );
    const restoring = progress(`Restoring ${snapshot.name}`);
    const note = el("p", { class: "snapshot-note", role: "status", hidden: true });
    const restore = el("button", { type: "button", class: "btn btn-small", textContent: "Restore", "aria-label": `Restore ${snapshot.name}` });
    const remove = el("button", { type: "button", class: "btn btn-small btn-danger", textContent: "Delete", "aria-label": `Delete ${snapshot.name}` });
    const li = el(
      "li",
      { class: "snapshot", "data-snapshot-id": snapshot.id },
      el("div", { class: "snapshot-main" }, info, restoring.box, el("div", { class: "snapshot-actions" }, restore, remove)),
      note,
    );
    const say = (text, kind = "done") => {
      note.textContent = text;
      note.dataset.kind = kind;
      note.hidden = !text;
    };
    // `start()` gives the `restore_snapshot` job: a new one, or one found under way.
    const followRestore = async (start) => {
      restore.disabled = true;
      remove.disabled = true;
      say("");
      info.hidden = true;
      restoring.show("Restoring…");
      try {
        await finishedJob(api, await start(), { onProgress: restoring.set, tooLong: TOO_LONG });
        say("Restored as a new database, named after the snapshot, at the end of the workspace.");
        // The socket brings the new database too; this read covers a socket that is down.
        sync(await api.get("/applications/"));
      } catch (e) {
        say(`Not restored: ${errorText(e)}`, "error");
      } finally {
        restoring.hide();
        info.hidden = false;
        restore.disabled = false;
        remove.disabled = false;
      }
    };
    restore.addEventListener("click", () => {
      showError("");
      status.textContent = "";
      followRestore(() => api.post(`/snapshots/${snapshot.id}/restore/`));
    });
    remove.addEventListener("click", () =>
      confirmDelete(snapshot, api, () => {
        showError("");
        snapshots = snapshots.filter((s) => s.id !== snapshot.id);
        render();
        status.textContent = `Snapshot “${snapshot.name}” deleted.`;
        input.focus();
      }),
    );
    return { li, followRestore };
  };

  // `start()` gives the `create_snapshot` job: a new one, or one found under way.
  const followCreate = async (name, start) => {
    create.disabled = true;
    input.hidden = true;
    creating.show(`Creating “${name}”…`);
    try {
      await finishedJob(api, await start(), { onProgress: creating.set, tooLong: TOO_LONG });
      input.value = defaultName();
      await load();
      status.textContent = `Snapshot “${name}” created.`;
    } catch (e) {
      showError(errorText(e, { name: "" }));
    } finally {
      creating.hide();
      input.hidden = false;
      create.disabled = false;
    }
  };

  /** Shows the progress of the caller's jobs on this database begun before the dialog opened. */
  const resume = async () => {
    const { jobs } = await api.get("/jobs/", { query: { states: "pending,started" } });
    for (const job of jobs) {
      if (job.type === "create_snapshot" && job.snapshot?.snapshot_from_application === databaseId) {
        followCreate(job.snapshot.name, async () => job);
      } else if (job.type === "restore_snapshot" && rows.has(job.snapshot?.id)) {
        rows.get(job.snapshot.id).followRestore(async () => job);
      }
    }
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = input.value.trim();
    showError("");
    status.textContent = "";
    if (!name) {
      showError("Give the snapshot a name.");
      input.focus();
      return;
    }
    if (snapshots.some((s) => s.name === name)) {
      showError("The database has a snapshot of that name already.");
      input.focus();
      return;
    }
    followCreate(name, () => api.post(`/snapshots/application/${databaseId}/`, { name }));
  });

  body.append(
    el(
      "p",
      { class: "snapshots-intro" },
      "A snapshot is a full copy of the database as it is when taken. Restoring one creates a new database from it; the snapshot stays. Old snapshots are deleted automatically.",
    ),
    form,
    error,
    status,
    el("div", { class: "snapshots-listing" }, loading, empty, list),
  );
  dialog.classList.add("snapshots-dialog");
  input.focus();
  input.select();
  // Without the jobs list the dialog still works; a job under way then ends unseen.
  load().then(() => resume().catch(() => {}));
}

/** Asks before deleting a snapshot for good; `onDeleted` runs once it is gone. */
function confirmDelete(snapshot, api, onDeleted) {
  const { dialog, body } = openDialog("Delete snapshot", "snapshot-delete-dialog");
  dialog.classList.add("confirm-dialog");
  const cancel = el("button", { type: "button", class: "btn btn-small", textContent: "Cancel", onclick: () => dialog.close() });
  const confirm = el("button", { type: "button", class: "btn btn-small btn-danger-solid", textContent: "Delete" });
  const error = el("p", { class: "name-error", role: "alert", hidden: true });
  body.append(
    el("p", {}, `Delete the snapshot “${snapshot.name}” for good? Databases restored from it stay.`),
    error,
    el("div", { class: "actions confirm-actions" }, cancel, confirm),
  );
  cancel.focus();
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      await api.delete(`/snapshots/${snapshot.id}/`);
    } catch (e) {
      error.textContent = errorText(e);
      error.hidden = false;
      confirm.disabled = false;
      return;
    }
    dialog.close();
    onDeleted();
  });
}
