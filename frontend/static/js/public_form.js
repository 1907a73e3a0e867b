// A shared form's file and link questions. Chosen files are uploaded at once to the
// form's upload address; each uploaded file joins the form as a hidden answer (its stored
// name) shown as a chip with its own name and a button to take it out. Sending waits for
// uploads. A link question searches the linked table's rows through the shared view's
// link lookup as the visitor types; a chosen row joins the form as a hidden answer (its
// id) shown as a chip with its primary text.

const forms = document.querySelectorAll("form.form");

function chip(name, label, key) {
  const li = document.createElement("li");
  li.className = "chip";
  const hidden = document.createElement("input");
  hidden.type = "hidden";
  hidden.name = key;
  hidden.value = name;
  const text = document.createElement("span");
  text.className = "form-file-name";
  text.textContent = label;
  li.append(hidden, text, removeButton(li, label));
  return li;
}

function removeButton(li, label) {
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "chip-remove";
  remove.textContent = "×";
  remove.setAttribute("aria-label", `Remove ${label}`);
  remove.addEventListener("click", () => li.remove());
  return remove;
}

/** A view with a password: the token its page was given, which the API asks for. */
const viewToken = document.querySelector("form[data-view-token]")?.dataset.viewToken;
const viewHeaders = viewToken ? { "Baserow-View-Authorization": `JWT ${viewToken}` } : {};

async function upload(url, file) {
  const body = new FormData();
  body.append("file", file, file.name);
  const response = await fetch(url, { method: "POST", body, credentials: "same-origin", headers: viewHeaders });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(answer.detail && typeof answer.detail === "string" ? answer.detail : `${file.name} could not be uploaded.`);
  }
  return answer;
}

let pending = 0;

for (const box of document.querySelectorAll(".form-files")) {
  const input = box.querySelector("input[type=file]");
  const list = box.querySelector(".form-file-list");
  const status = box.querySelector(".form-file-status");
  status.textContent = "";
  for (const li of list.querySelectorAll("li")) {
    li.append(removeButton(li, li.textContent));
  }
  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    for (const file of files) {
      pending += 1;
      status.textContent = `Uploading ${file.name}…`;
      try {
        const saved = await upload(box.dataset.upload, file);
        list.append(chip(saved.name, saved.visible_name || file.name, box.dataset.name));
        status.textContent = "";
      } catch (error) {
        status.textContent = error.message;
      } finally {
        pending -= 1;
      }
    }
  });
}

const LOOKUP_SIZE = 10;
const LOOKUP_DELAY_MS = 200;

async function lookup(url, search) {
  const query = new URLSearchParams({ size: String(LOOKUP_SIZE) });
  if (search) query.set("search", search);
  const response = await fetch(`${url}?${query}`, { credentials: "same-origin", headers: viewHeaders });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(typeof answer.detail === "string" ? answer.detail : "The rows could not be searched.");
  }
  return answer;
}

for (const box of document.querySelectorAll(".form-links")) {
  const search = box.querySelector(".form-link-search");
  const list = box.querySelector(".form-link-list");
  const results = box.querySelector(".form-link-results");
  const status = box.querySelector(".form-link-status");
  const multiple = box.dataset.multiple !== "false";
  status.textContent = "";
  for (const li of list.querySelectorAll("li")) {
    li.append(removeButton(li, li.textContent));
  }
  let shown = [];
  let asked = 0;
  let timer;

  const close = () => {
    results.hidden = true;
    results.replaceChildren();
    search.setAttribute("aria-expanded", "false");
    shown = [];
  };
  const choose = (row) => {
    const label = row.value || `Row ${row.id}`;
    if (!multiple) list.replaceChildren();
    if (![...list.querySelectorAll("input")].some((i) => i.value === String(row.id))) {
      list.append(chip(String(row.id), label, box.dataset.name));
    }
    search.value = "";
    close();
    search.focus();
  };
  const show = (rows, count) => {
    shown = rows;
    results.replaceChildren();
    for (const row of rows) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "form-link-option";
      button.textContent = row.value || `Row ${row.id}`;
      button.addEventListener("click", () => choose(row));
      li.append(button);
      results.append(li);
    }
    results.hidden = rows.length === 0;
    search.setAttribute("aria-expanded", String(rows.length > 0));
    status.textContent = rows.length === 0 ? "No rows match." : count > rows.length ? `${rows.length} of ${count} rows; type more to narrow them down.` : "";
  };
  const ask = async () => {
    const mine = ++asked;
    try {
      const answer = await lookup(box.dataset.lookup, search.value.trim());
      if (mine === asked) show(answer.results || [], answer.count || 0);
    } catch (error) {
      if (mine === asked) {
        close();
        status.textContent = error.message;
      }
    }
  };
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, LOOKUP_DELAY_MS);
  });
  search.addEventListener("focus", () => {
    if (shown.length === 0) ask();
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      // Enter chooses the first row shown rather than sending the form.
      event.preventDefault();
      if (shown.length > 0) choose(shown[0]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  box.addEventListener("focusout", (event) => {
    if (!box.contains(event.relatedTarget)) close();
  });
}

for (const form of forms) {
  form.addEventListener("submit", (event) => {
    if (pending > 0) {
      event.preventDefault();
      for (const status of form.querySelectorAll(".form-file-status")) {
        status.textContent = "Wait for the files to finish uploading, then send.";
      }
    }
  });
}
