// The form view's editor: the form's title and description, which fields it asks for
// (in the form or not, required or not, in which order), sharing its public link, and
// a preview of the form as it will be filled in. Every change is saved at once.

import { isFileField, isReadOnly } from "../table/cells.js";
import { el } from "../table/dom.js";
import { option } from "./shared.js";

export function mount(ctx) {
  const { state } = ctx;
  const enabled = (f) => option(state, f, "enabled", false) === true;
  const ordered = (fields) =>
    [...fields].sort((a, b) => option(state, a, "order", 32767) - option(state, b, "order", 32767) || a.id - b.id);
  // Shared forms do not ask for files yet.
  const formFields = () => state.fields.filter((f) => !isReadOnly(f) && !isFileField(f));
  /** Fields whose label and help inputs are open (kept across redraws). */
  const opened = new Set();

  async function save(action) {
    try {
      await action();
    } catch (error) {
      ctx.showError(error);
    }
    render();
  }

  /** New positions for the fields in the form, saved together. */
  function reorder(list) {
    return ctx.patchFieldOptions(Object.fromEntries(list.map((f, i) => [f.id, { order: i }])));
  }

  function settings() {
    const title = el("input", { type: "text", id: "form-title", value: state.view.title || "", maxLength: 255, placeholder: "Untitled form" });
    const description = el("textarea", {
      id: "form-description",
      rows: 3,
      maxLength: 10000,
      value: state.view.description || "",
      placeholder: "What the form is for (optional)",
    });
    const submit = el("input", { type: "text", id: "form-submit-text", value: state.view.submit_text || "", maxLength: 255, placeholder: "Submit" });
    title.addEventListener("change", () => save(() => ctx.patchView({ title: title.value })));
    description.addEventListener("change", () => save(() => ctx.patchView({ description: description.value })));
    submit.addEventListener("change", () => save(() => ctx.patchView({ submit_text: submit.value || "Submit" })));
    return el(
      "section",
      { class: "form-settings", "aria-labelledby": "form-settings-title" },
      el("h2", { id: "form-settings-title", textContent: "Form" }),
      el("div", { class: "field" }, el("label", { htmlFor: "form-title", textContent: "Title" }), title),
      el("div", { class: "field" }, el("label", { htmlFor: "form-description", textContent: "Description" }), description),
      el("div", { class: "field" }, el("label", { htmlFor: "form-submit-text", textContent: "Submit button" }), submit),
      share(),
    );
  }

  function share() {
    const box = el("div", { class: "form-share", id: "form-share" });
    if (state.view.public) {
      const href = `/form/${encodeURIComponent(state.view.slug)}`;
      box.append(
        el("span", { textContent: "Anyone with the link can fill in this form: " }),
        el("a", { id: "form-public-link", href, target: "_blank", rel: "noopener", textContent: `${window.location.origin}${href}` }),
        el("button", {
          type: "button",
          class: "btn btn-small",
          id: "form-unshare",
          textContent: "Stop sharing",
          onclick: () => save(() => ctx.patchView({ public: false })),
        }),
      );
    } else {
      box.append(
        el("span", { textContent: "Only members of the workspace can see this form." }),
        el("button", {
          type: "button",
          class: "btn btn-small btn-primary",
          id: "form-share-button",
          textContent: "Share form",
          onclick: () => save(() => ctx.patchView({ public: true })),
        }),
      );
    }
    return box;
  }

  /** The question's own label and help text (the field's name when no label is set). */
  function wording(field) {
    const label = el("input", {
      type: "text",
      class: "form-field-label",
      value: option(state, field, "name", ""),
      placeholder: field.name,
      maxLength: 255,
      "aria-label": `Label of ${field.name}`,
    });
    const help = el("input", {
      type: "text",
      class: "form-field-help",
      value: option(state, field, "description", ""),
      placeholder: "Help text (optional)",
      "aria-label": `Help text of ${field.name}`,
    });
    label.addEventListener("change", () => save(() => ctx.patchFieldOptions({ [field.id]: { name: label.value } })));
    help.addEventListener("change", () => save(() => ctx.patchFieldOptions({ [field.id]: { description: help.value } })));
    const details = el(
      "details",
      { class: "form-field-wording", open: opened.has(field.id) },
      el("summary", { textContent: "Label and help text" }),
      el("div", { class: "form-field-inputs" }, label, help),
    );
    details.addEventListener("toggle", () => (details.open ? opened.add(field.id) : opened.delete(field.id)));
    return details;
  }

  function fieldList() {
    const inForm = ordered(formFields().filter(enabled));
    const outside = formFields().filter((f) => !enabled(f));
    const list = el("ol", { class: "form-fields", id: "form-fields" });
    inForm.forEach((field, i) => {
      const required = el("input", { type: "checkbox", checked: option(state, field, "required", true) === true, class: "form-required" });
      required.addEventListener("change", () => save(() => ctx.patchFieldOptions({ [field.id]: { required: required.checked } })));
      const swap = (j) => {
        const next = [...inForm];
        [next[i], next[j]] = [next[j], next[i]];
        save(() => reorder(next));
      };
      list.append(
        el(
          "li",
          { class: "form-field", "data-field-id": String(field.id) },
          el("span", { class: "form-field-name", textContent: field.name }),
          el("label", { class: "check-row" }, required, "Required"),
          el("button", { type: "button", class: "btn btn-quiet btn-small icon", textContent: "↑", "aria-label": `Move ${field.name} up`, disabled: i === 0, onclick: () => swap(i - 1) }),
          el("button", { type: "button", class: "btn btn-quiet btn-small icon", textContent: "↓", "aria-label": `Move ${field.name} down`, disabled: i === inForm.length - 1, onclick: () => swap(i + 1) }),
          el("button", {
            type: "button",
            class: "btn btn-quiet btn-small icon",
            textContent: "×",
            title: "Remove from the form",
            "aria-label": `Remove ${field.name} from the form`,
            onclick: () => save(() => ctx.patchFieldOptions({ [field.id]: { enabled: false } })),
          }),
          wording(field),
        ),
      );
    });
    const section = el("section", { class: "form-field-picker" }, el("h2", { textContent: "Fields in the form" }));
    if (inForm.length === 0) {
      section.append(el("p", { class: "form-hint", textContent: "No fields yet: add the ones people should fill in." }));
    } else {
      section.append(list);
    }
    if (outside.length) {
      const add = el("div", { class: "form-add-fields", id: "form-add-fields" });
      for (const field of outside) {
        add.append(
          el("button", {
            type: "button",
            class: "btn btn-small",
            textContent: `+ ${field.name}`,
            "data-field-id": String(field.id),
            onclick: () => save(() => ctx.patchFieldOptions({ [field.id]: { enabled: true, order: inForm.length } })),
          }),
        );
      }
      section.append(el("p", { class: "form-hint", textContent: "Add to the form:" }), add);
    }
    return section;
  }

  /** A control like the one the public form shows, disabled (a preview). */
  function control(field) {
    switch (field.type) {
      case "long_text":
        return el("textarea", { rows: 3, disabled: true });
      case "boolean":
        return el("input", { type: "checkbox", disabled: true });
      case "single_select":
        return el(
          "select",
          { disabled: true },
          el("option", { textContent: "Choose…" }),
          ...(field.select_options || []).map((o) => el("option", { textContent: o.value })),
        );
      default:
        return el("input", { type: field.type === "number" ? "number" : "text", disabled: true });
    }
  }

  function preview() {
    const fields = ordered(formFields().filter(enabled));
    const form = el(
      "div",
      { class: "form-preview-card" },
      el("h3", { class: "form-preview-title", textContent: state.view.title || "Untitled form" }),
    );
    if (state.view.description) {
      form.append(el("p", { class: "form-preview-description", textContent: state.view.description }));
    }
    for (const field of fields) {
      const name = option(state, field, "name", "") || field.name;
      const label = el("label", { class: "field-row form-preview-field", "data-field-id": String(field.id) }, el("span", { textContent: name }));
      if (option(state, field, "required", true)) {
        label.firstChild.append(el("span", { class: "required-mark", textContent: " *", "aria-label": "required" }));
      }
      const help = option(state, field, "description", "");
      if (help) {
        label.append(el("small", { class: "form-hint", textContent: help }));
      }
      label.append(control(field));
      form.append(label);
    }
    if (fields.length === 0) {
      form.append(el("p", { class: "form-hint", textContent: "The form has no fields yet." }));
    }
    form.append(el("button", { type: "button", class: "btn btn-primary", disabled: true, textContent: state.view.submit_text || "Submit" }));
    return el("section", { class: "form-preview", id: "form-preview", "aria-label": "Preview" }, el("h2", { textContent: "Preview" }), form);
  }

  function render() {
    // Typing in a text box (the next one, after a change was saved) is not interrupted
    // by a redraw: only the preview follows.
    const active = document.activeElement;
    if (ctx.root.contains(active) && (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && active.type === "text"))) {
      ctx.root.querySelector("#form-preview")?.replaceWith(preview());
      return;
    }
    ctx.root.replaceChildren(el("div", { class: "form-editor" }, el("div", { class: "form-editor-side" }, settings(), fieldList()), preview()));
    ctx.root.dataset.state = "ready";
  }

  render();
  return { refresh: render };
}
