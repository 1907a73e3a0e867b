// The select editor: a popup under the cell listing the field's options as coloured chips,
// filtered as you type. A single select picks one option (click or Enter) and saves; a
// multiple select toggles options (click, Enter, or Space while the filter is empty), shows
// the chosen ones as removable chips, and saves its list of ids with Done, Tab, Ctrl+Enter
// or a click outside. Escape always cancels.

import { chip } from "../cells.js";

let popups = 0;

export function openSelectEditor(td, field, value, initialText, done) {
  const multiple = field.type === "multiple_select";
  const options = field.select_options || [];
  const initial = multiple ? (Array.isArray(value) ? value.map((o) => o.id) : []) : value ? [value.id] : [];
  let chosen = initial.slice();
  let active = 0;
  let shown = [];
  popups += 1;
  const listId = `select-options-${popups}`;

  const popup = document.createElement("div");
  popup.className = "select-popup";
  popup.setAttribute("role", "dialog");
  popup.setAttribute("aria-label", field.name);
  const chosenBox = document.createElement("div");
  chosenBox.className = "select-chosen";
  const filter = document.createElement("input");
  filter.type = "text";
  filter.className = "select-filter";
  filter.placeholder = "Find an option";
  filter.setAttribute("aria-label", `Find an option of ${field.name}`);
  filter.setAttribute("role", "combobox");
  filter.setAttribute("aria-controls", listId);
  filter.setAttribute("aria-expanded", "true");
  filter.setAttribute("aria-autocomplete", "list");
  filter.value = initialText ?? "";
  const list = document.createElement("ul");
  list.className = "select-options";
  list.id = listId;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", field.name);
  if (multiple) {
    list.setAttribute("aria-multiselectable", "true");
  }
  const empty = document.createElement("p");
  empty.className = "select-empty";
  const footer = document.createElement("div");
  footer.className = "select-footer";
  const clear = button("Clear", "select-clear", () => {
    chosen = [];
    if (multiple) {
      draw();
    } else {
      finish();
    }
  });
  footer.append(clear);
  if (multiple) {
    footer.append(button("Done", "select-done btn-primary", () => finish()));
  }
  popup.append(...(multiple ? [chosenBox] : []), filter, list, empty, footer);

  function button(text, className, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `btn btn-small ${className}`;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function draw() {
    const term = filter.value.trim().toLowerCase();
    shown = options.filter((o) => String(o.value ?? "").toLowerCase().includes(term));
    active = Math.max(0, Math.min(active, shown.length - 1));
    const items = shown.map((option, i) => {
      const li = document.createElement("li");
      li.id = `${listId}-${option.id}`;
      li.setAttribute("role", "option");
      li.dataset.optionId = String(option.id);
      const selected = chosen.includes(option.id);
      li.setAttribute("aria-selected", String(selected));
      li.classList.toggle("active", i === active);
      const mark = document.createElement("span");
      mark.className = "select-mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = selected ? "✓" : "";
      li.append(mark, chip(option));
      // Keeps the focus in the filter (a blur would close the popup).
      li.addEventListener("mousedown", (e) => e.preventDefault());
      li.addEventListener("click", () => {
        active = i;
        toggle(option.id);
      });
      return li;
    });
    list.replaceChildren(...items);
    if (shown[active]) {
      filter.setAttribute("aria-activedescendant", `${listId}-${shown[active].id}`);
      list.querySelector("li.active")?.scrollIntoView({ block: "nearest" });
    } else {
      filter.removeAttribute("aria-activedescendant");
    }
    empty.hidden = shown.length > 0;
    empty.textContent =
      options.length === 0 ? "This field has no options yet: add them in the field's settings." : "No option matches.";
    clear.disabled = chosen.length === 0;
    if (multiple) {
      chosenBox.replaceChildren(
        ...chosen
          .map((id) => options.find((o) => o.id === id))
          .filter(Boolean)
          .map((option) => {
            const c = chip(option);
            c.classList.add("chip-removable");
            const x = document.createElement("button");
            x.type = "button";
            x.className = "chip-remove";
            x.textContent = "×";
            x.setAttribute("aria-label", `Remove ${option.value}`);
            x.addEventListener("mousedown", (e) => e.preventDefault());
            x.addEventListener("click", () => {
              chosen = chosen.filter((id) => id !== option.id);
              draw();
            });
            c.append(x);
            return c;
          }),
      );
      chosenBox.hidden = chosen.length === 0;
    }
  }

  function toggle(id) {
    if (!multiple) {
      chosen = [id];
      finish();
      return;
    }
    chosen = chosen.includes(id) ? chosen.filter((c) => c !== id) : chosen.concat([id]);
    draw();
  }

  let closed = false;
  function close() {
    closed = true;
    document.removeEventListener("pointerdown", outside, true);
    window.removeEventListener("resize", place);
    popup.remove();
  }

  /** Saves what is chosen (nothing is sent when it is what the cell had); `move` is where
   * Tab goes next ("next", "previous"). */
  function finish(move) {
    if (closed) {
      return;
    }
    close();
    const same = chosen.length === initial.length && chosen.every((id, i) => id === initial[i]);
    done(same ? undefined : multiple ? chosen : chosen[0] ?? null, { move });
  }

  function cancel() {
    if (!closed) {
      close();
      done(undefined);
    }
  }

  function outside(event) {
    if (!popup.contains(event.target)) {
      // A click elsewhere keeps a multiple selection, and changes nothing for a single one.
      if (multiple) {
        finish();
      } else {
        cancel();
      }
    }
  }

  filter.addEventListener("input", () => {
    active = 0;
    draw();
  });
  popup.addEventListener("keydown", (event) => {
    event.stopPropagation();
    const option = shown[active];
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        event.preventDefault();
        active = Math.max(0, Math.min(shown.length - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
        draw();
        break;
      case "Enter":
        event.preventDefault();
        if (event.ctrlKey || event.metaKey || (multiple && event.target !== filter)) {
          finish();
        } else if (option) {
          toggle(option.id);
        }
        break;
      case " ":
        if (event.target === filter && filter.value === "" && option) {
          event.preventDefault();
          toggle(option.id);
        }
        break;
      case "Tab":
        event.preventDefault();
        finish(event.shiftKey ? "previous" : "next");
        break;
      case "Escape":
        event.preventDefault();
        cancel();
        break;
      default:
        break;
    }
  });

  /** Under the cell, or above it when there is no room below. */
  function place() {
    const rect = td.getBoundingClientRect();
    popup.style.minWidth = `${Math.max(220, rect.width)}px`;
    popup.style.left = `${Math.max(4, Math.min(rect.left, window.innerWidth - popup.offsetWidth - 4))}px`;
    const below = window.innerHeight - rect.bottom;
    if (below < popup.offsetHeight + 4 && rect.top > below) {
      popup.style.top = `${Math.max(4, rect.top - popup.offsetHeight)}px`;
    } else {
      popup.style.top = `${rect.bottom}px`;
    }
  }

  // Inside a modal dialog (the expanded row), the popup must be in the dialog to be usable.
  (td.closest("dialog") || document.body).append(popup);
  td.classList.add("editing", "editing-popup");
  draw();
  place();
  window.addEventListener("resize", place);
  document.addEventListener("pointerdown", outside, true);
  filter.focus();
  return popup;
}
