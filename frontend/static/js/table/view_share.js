// The table page's "Share view" dialog, for the grid and the card views alike: the view
// public or not, its public link with Copy, an optional password, and a new link that
// ends the old one. Grid, gallery, kanban and calendar views open read-only at
// /public/{type}/{slug}, forms at /form/{slug}.

import { errorText } from "./alert.js";
import { el, openDialog } from "./dom.js";

/** The public page of each type that has one. */
const PUBLIC_PAGES = {
  grid: { path: (slug) => `/public/grid/${slug}`, who: "Anyone with the link can see this view's rows (read-only)." },
  gallery: { path: (slug) => `/public/gallery/${slug}`, who: "Anyone with the link can see this view's cards (read-only)." },
  kanban: { path: (slug) => `/public/kanban/${slug}`, who: "Anyone with the link can see this board (read-only)." },
  calendar: { path: (slug) => `/public/calendar/${slug}`, who: "Anyone with the link can see this calendar (read-only)." },
  form: { path: (slug) => `/form/${slug}`, who: "Anyone with the link can fill in this form." },
};

/**
 * Wires the toolbar's "Share view" button.
 * @param {object} options
 * @param {import("./api.js").Api} options.api
 * @param {object} options.state  the page's view state (`view` is kept current here)
 * @param {function(): void} [options.onChange]  the view's sharing changed here
 * @returns {{viewChanged: function(): void}}  redraws the open dialog after a change elsewhere
 */
export function mountViewShare({ api, state, onChange }) {
  const button = document.getElementById("share-view");
  let draw = null;

  function showShared() {
    button.classList.toggle("is-shared", Boolean(state.view.public));
    button.title = state.view.public ? "Share view (shared by a public link now)" : "Share view";
  }

  function open() {
    const { dialog, body } = openDialog("Share view", "view-share-dialog");
    const page = PUBLIC_PAGES[state.view.type];
    const error = el("p", { class: "form-error", role: "alert", id: "share-error" });
    let editingPassword = false;

    async function change(patch, what) {
      error.textContent = "";
      dialog.dataset.busy = "true";
      try {
        state.view = { ...state.view, ...(await patch()) };
        editingPassword = false;
        onChange?.();
      } catch (e) {
        error.textContent = `${what}: ${errorText(e, { public_view_password: "", public: "" })}`;
      } finally {
        delete dialog.dataset.busy;
        showShared();
        draw();
      }
    }
    const patchView = (fields) => () => api.patch(`/database/views/${state.view.id}/`, fields);

    function linkSection() {
      const url = `${window.location.origin}${page.path(state.view.slug)}`;
      const link = el("input", { type: "text", id: "share-link", class: "share-link", value: url, readOnly: true, "aria-label": "Public link" });
      link.addEventListener("focus", () => link.select());
      const status = el("span", { class: "share-copied muted", role: "status" });
      const copy = el("button", { type: "button", class: "btn btn-small", id: "share-copy", textContent: "Copy" });
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(url);
          status.textContent = "Copied";
        } catch {
          link.focus();
          status.textContent = "Selected: copy it with Ctrl+C";
        }
      });
      const rotate = el("button", { type: "button", class: "btn btn-small", id: "share-rotate", textContent: "New link" });
      rotate.addEventListener("click", () =>
        change(() => api.post(`/database/views/${state.view.id}/rotate-slug/`), "A new link could not be made"),
      );
      return el(
        "div",
        { class: "share-section" },
        el("div", { class: "share-link-row" }, link, copy, el("a", { class: "btn btn-small", href: url, target: "_blank", rel: "noopener", textContent: "Open" })),
        status,
        el("div", { class: "share-rotate-row" }, el("p", { class: "field-note", textContent: "A new link replaces this one: the current link stops working." }), rotate),
      );
    }

    function passwordSection() {
      const section = el("div", { class: "share-section", id: "share-password-section" });
      const has = state.view.public_view_has_password;
      if (editingPassword) {
        const input = el("input", { type: "password", id: "share-password", autocomplete: "new-password", minLength: 8, maxLength: 256, "aria-label": "Password" });
        input.addEventListener("input", () => (error.textContent = ""));
        const save = el("button", { type: "submit", class: "btn btn-small btn-primary", id: "share-password-save", textContent: "Save password" });
        const cancel = el("button", { type: "button", class: "btn btn-small", textContent: "Cancel", onclick: () => ((editingPassword = false), draw()) });
        const form = el("form", { class: "share-password-form", novalidate: true }, input, save, cancel);
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          if (input.value.length < 8) {
            error.textContent = "The password must be at least 8 characters long.";
            input.focus();
            return;
          }
          change(patchView({ public_view_password: input.value }), "The password could not be saved");
        });
        section.append(el("p", { class: "field-note", textContent: "Visitors type this password before they see the view (8 characters or more)." }), form);
        queueMicrotask(() => input.focus());
        return section;
      }
      const text = has ? "A password protects this link." : "No password: the link alone opens the view.";
      const actions = el("div", { class: "share-password-actions" });
      actions.append(
        el("button", {
          type: "button",
          class: "btn btn-small",
          id: "share-password-set",
          textContent: has ? "Change password" : "Set a password",
          onclick: () => ((editingPassword = true), (error.textContent = ""), draw()),
        }),
      );
      if (has) {
        actions.append(
          el("button", {
            type: "button",
            class: "btn btn-small",
            id: "share-password-remove",
            textContent: "Remove password",
            onclick: () => change(patchView({ public_view_password: "" }), "The password could not be removed"),
          }),
        );
      }
      section.append(el("p", { class: "share-password-state", id: "share-password-state", textContent: text }), actions);
      return section;
    }

    draw = () => {
      if (!dialog.open) {
        draw = null;
        return;
      }
      const toggle = el("input", { type: "checkbox", id: "share-public", role: "switch", checked: Boolean(state.view.public) });
      toggle.addEventListener("change", () =>
        change(patchView({ public: toggle.checked }), toggle.checked ? "The view could not be shared" : "The view could not be unshared"),
      );
      const parts = [
        el("label", { class: "check-row share-toggle" }, toggle, el("strong", { textContent: "Share by a public link" })),
        el("p", { class: "field-note", textContent: state.view.public ? page.who : "Only members of this workspace can see this view." }),
      ];
      if (state.view.public) {
        parts.push(linkSection(), passwordSection());
      }
      body.replaceChildren(el("div", { class: "share-body" }, ...parts, error));
    };
    draw();
  }

  button.addEventListener("click", open);
  showShared();
  return {
    viewChanged() {
      showShared();
      draw?.();
    },
  };
}
