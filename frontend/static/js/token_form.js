// API token forms: the database and table boxes show only for "Only these" and, when
// creating, only for the chosen workspace. The forms work without this script.

/** Shows each right's boxes when "Only these" is chosen, limited to `workspace` if given. */
function match(form) {
  const workspace = form.querySelector(".token-workspace")?.value;
  for (const right of form.querySelectorAll(".token-right")) {
    const some = right.querySelector('input[type="radio"][value="some"]');
    const list = right.querySelector(".scope-list");
    list.hidden = !some.checked;
    for (const choice of list.querySelectorAll("[data-workspace]")) {
      const other = workspace !== undefined && choice.dataset.workspace !== workspace;
      choice.hidden = other;
      // A box of another workspace is never sent (the server would refuse it).
      choice.querySelector("input").disabled = other;
    }
  }
}

for (const form of document.querySelectorAll(".token-form")) {
  form.addEventListener("change", () => match(form));
  match(form);
}
