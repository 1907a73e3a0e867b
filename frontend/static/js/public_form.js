// A shared form's file questions: chosen files are uploaded at once to the form's upload
// address; each uploaded file joins the form as a hidden answer (its stored name) shown as
// a chip with its own name and a button to take it out. Sending waits for uploads.

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

async function upload(url, file) {
  const body = new FormData();
  body.append("file", file, file.name);
  const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
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
