// The formula field's settings: a monospace editor whose result type (or error) the
// server tells as you type (`POST /api/database/formula/{table}/type/`, debounced), field
// names and functions offered as you type (↑/↓, Enter or Tab inserts, Escape closes), and
// the list of functions by family, a click inserting `name()` at the caret.

import { el } from "./dom.js";
import { FORMULA_FUNCTIONS, isCallable } from "./formula_functions.js";

/** How long typing must pause before the formula is checked. */
const CHECK_DELAY_MS = 250;

/** The most suggestions shown at once. */
const MAX_SUGGESTIONS = 8;

const ALL_FUNCTIONS = FORMULA_FUNCTIONS.flatMap((g) => g.functions.map(([name, text, example]) => ({ name, text, example, family: g.family })));

/** A formula type's answer in words: "number with 2 decimal places", "list of text". */
export function describeType(typed) {
  const kind = typed.formula_type;
  const one = (t, places, time) => {
    switch (t) {
      case "number":
        return places ? `number with ${places} decimal place${places === 1 ? "" : "s"}` : "whole number";
      case "date":
        return time ? "date and time" : "date";
      case "single_select":
        return "single select option";
      case "multiple_select":
        return "multiple select options";
      case "char":
        return "text";
      default:
        return String(t).replace(/_/g, " ");
    }
  };
  if (kind === "array") {
    return `list of ${one(typed.array_formula_type, typed.number_decimal_places, typed.date_include_time)}`;
  }
  return one(kind, typed.number_decimal_places, typed.date_include_time);
}

/** A name as a formula string literal in single quotes (Baserow's escaping). */
function quoted(name) {
  return `'${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Whether the caret sits inside a string literal (quotes before it are unbalanced). */
function inString(before) {
  let quote = null;
  for (let i = 0; i < before.length; i += 1) {
    const c = before[i];
    if (quote) {
      if (c === "\\") {
        i += 1;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === "'" || c === '"') {
      quote = c;
    }
  }
  return quote !== null;
}

/**
 * What to offer at the caret, from the text before it: inside `field('…` the fields
 * whose names hold the typed part; inside `lookup('…` the link fields; after a bare word
 * the fields (inserted as `field('Name')`) and functions (as `name(`) it starts.
 * Returns {from, items: [{label, kind, insert, caret}]} or null.
 */
export function suggestionsAt(text, caret, fields) {
  const before = text.slice(0, caret);
  const call = /\b(field|lookup)\(\s*(['"])((?:[^'"\\]|\\.)*)$/i.exec(before);
  if (call) {
    const [, fn, quote, typed] = call;
    const wanted = typed.toLowerCase();
    const pool = fn.toLowerCase() === "lookup" ? fields.filter((f) => f.type === "link_row") : fields;
    const rest = text.slice(caret);
    // The closing quote and parenthesis when they are not already there.
    const wantedClose = fn.toLowerCase() === "field" ? `${quote})` : quote;
    const closing = rest.startsWith(wantedClose) ? "" : wantedClose;
    const items = pool
      .filter((f) => f.name.toLowerCase().includes(wanted))
      .slice(0, MAX_SUGGESTIONS)
      .map((f) => {
        const escaped = quote === "'" ? f.name.replace(/\\/g, "\\\\").replace(/'/g, "\\'") : f.name.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
        const insert = escaped + closing;
        // The caret ends after the closing quote (and bracket), typed or already there.
        return { label: f.name, kind: "field", insert, caret: escaped.length + wantedClose.length };
      });
    return items.length ? { from: caret - typed.length, items } : null;
  }
  if (inString(before)) {
    return null;
  }
  const word = /([A-Za-z_][A-Za-z0-9_]*)$/.exec(before);
  if (!word || /[A-Za-z0-9_]/.test(text[caret] ?? "")) {
    return null;
  }
  const wanted = word[1].toLowerCase();
  const fieldItems = fields
    .filter((f) => f.name.toLowerCase().startsWith(wanted) || (wanted.length > 1 && f.name.toLowerCase().includes(wanted)))
    .map((f) => {
      const insert = `field(${quoted(f.name)})`;
      return { label: f.name, kind: "field", insert, caret: insert.length };
    });
  const fnItems = ALL_FUNCTIONS.filter((f) => isCallable(f.name) && f.name.startsWith(wanted) && f.name !== wanted).map((f) => ({
    label: `${f.name}()`,
    kind: "function",
    insert: `${f.name}()`,
    caret: f.name.length + 1,
    hint: f.text,
  }));
  const items = [...fieldItems, ...fnItems].slice(0, MAX_SUGGESTIONS);
  return items.length ? { from: caret - word[1].length, items } : null;
}

export const formulaSettings = {
  build(field, ctx) {
    this.ctx = ctx;
    this.seq = 0;
    const input = el("textarea", {
      id: "field-formula",
      class: "formula-input",
      rows: 4,
      value: field?.formula ?? "",
      spellcheck: false,
      autocomplete: "off",
      placeholder: "e.g. field('Price') * field('Quantity')",
      "aria-label": "Formula",
      "aria-autocomplete": "list",
      "aria-controls": "formula-suggestions",
    });
    this.input = input;
    this.status = el("p", { class: "formula-status", id: "formula-status", role: "status", "aria-live": "polite" });
    this.menu = el("ul", { class: "formula-suggestions", id: "formula-suggestions", role: "listbox", hidden: true });
    this.suggestion = null;

    input.addEventListener("input", () => {
      this.suggest();
      this.scheduleCheck();
    });
    input.addEventListener("click", () => this.suggest());
    input.addEventListener("keyup", (e) => {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) {
        this.suggest();
      }
    });
    input.addEventListener("keydown", (e) => this.onKey(e));
    // A click on a suggestion does not blur the editor (its mousedown is prevented).
    input.addEventListener("blur", () => this.closeMenu());

    const editorBox = el("div", { class: "formula-editor" }, input, this.menu);
    const main = el(
      "div",
      { class: "formula-main" },
      el("label", { class: "field-label", htmlFor: "field-formula", textContent: "Formula" }),
      editorBox,
      this.status,
      el("p", { class: "field-hint", textContent: "Type a field's name or field(' to insert a field; Tab or Enter picks a suggestion, Ctrl+Enter saves." }),
    );
    const element = el("div", { class: "formula-settings" }, main, this.functionList());
    this.scheduleCheck(0);
    return element;
  },

  /** The function list: a filter box and the functions by family; a click inserts one. */
  functionList() {
    const filter = el("input", {
      type: "search",
      class: "formula-function-filter",
      id: "formula-function-filter",
      placeholder: "Find a function",
      "aria-label": "Find a function",
    });
    const list = el("div", { class: "formula-function-list", id: "formula-functions" });
    const draw = () => {
      const wanted = filter.value.trim().toLowerCase();
      list.replaceChildren();
      for (const group of FORMULA_FUNCTIONS) {
        const matching = group.functions.filter(([name, text]) => !wanted || name.includes(wanted) || text.toLowerCase().includes(wanted));
        if (!matching.length) {
          continue;
        }
        list.append(el("h4", { class: "formula-family", textContent: group.family }));
        for (const [name, text, example] of matching) {
          list.append(
            el(
              "button",
              {
                type: "button",
                class: "formula-function",
                "data-function": name,
                title: `Insert ${name}`,
                // Keep the editor's caret: the click must not move focus first.
                onmousedown: (e) => e.preventDefault(),
                onclick: () => this.insertFunction(name),
              },
              el("span", { class: "formula-function-name", textContent: isCallable(name) ? `${name}()` : name }),
              el("span", { class: "formula-function-text", textContent: text }),
              el("code", { class: "formula-function-example", textContent: example }),
            ),
          );
        }
      }
      if (!list.children.length) {
        list.append(el("p", { class: "field-note", textContent: "No function matches." }));
      }
    };
    filter.addEventListener("input", draw);
    draw();
    return el("div", { class: "formula-functions" }, el("span", { class: "field-label", textContent: "Functions" }), filter, list);
  },

  /** Inserts `name()` (or an operator's example) at the caret, the caret between the brackets. */
  insertFunction(name) {
    const input = this.input;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    const def = FORMULA_FUNCTIONS.flatMap((g) => g.functions).find(([n]) => n === name);
    const text = isCallable(name) ? `${name}()` : def ? ` ${def[2].split(" ")[1]} ` : "";
    const caret = isCallable(name) ? name.length + 1 : text.length;
    input.setRangeText(text, start, end, "end");
    input.setSelectionRange(start + caret, start + caret);
    input.focus();
    this.closeMenu();
    this.scheduleCheck();
  },

  suggest() {
    const input = this.input;
    if (input.selectionStart !== input.selectionEnd) {
      this.closeMenu();
      return;
    }
    const found = suggestionsAt(input.value, input.selectionStart, this.ctx.fields);
    if (!found) {
      this.closeMenu();
      return;
    }
    this.suggestion = { ...found, active: 0 };
    this.drawMenu();
  },

  drawMenu() {
    const { items, active } = this.suggestion;
    this.menu.replaceChildren(
      ...items.map((item, i) =>
        el(
          "li",
          {
            role: "option",
            class: i === active ? "active" : "",
            "aria-selected": String(i === active),
            "data-kind": item.kind,
            onmousedown: (e) => {
              e.preventDefault();
              this.accept(i);
            },
          },
          el("span", { class: "suggestion-kind", textContent: item.kind === "field" ? "field" : "fn" }),
          el("span", { class: "suggestion-label", textContent: item.label }),
        ),
      ),
    );
    this.menu.hidden = false;
  },

  closeMenu() {
    this.suggestion = null;
    if (this.menu) {
      this.menu.hidden = true;
    }
  },

  accept(index) {
    const { from, items } = this.suggestion;
    const item = items[index];
    const input = this.input;
    const caret = input.selectionStart;
    input.setRangeText(item.insert, from, caret, "end");
    input.setSelectionRange(from + item.caret, from + item.caret);
    this.closeMenu();
    input.focus();
    this.scheduleCheck();
  },

  onKey(e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      // Ctrl+Enter saves the field, as a form's Enter would.
      e.preventDefault();
      this.input.form?.requestSubmit();
      return;
    }
    if (!this.suggestion) {
      return;
    }
    const count = this.suggestion.items.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      this.suggestion.active = (this.suggestion.active + (e.key === "ArrowDown" ? 1 : count - 1)) % count;
      this.drawMenu();
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      this.accept(this.suggestion.active);
    } else if (e.key === "Escape") {
      // Closes the suggestions, not the dialog.
      e.preventDefault();
      e.stopPropagation();
      this.closeMenu();
    }
  },

  scheduleCheck(delay = CHECK_DELAY_MS) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), delay);
  },

  /** Asks the server for the formula's type; only the latest answer is shown. */
  async check() {
    const formula = this.input.value;
    const seq = (this.seq += 1);
    this.controller?.abort();
    if (formula.trim() === "") {
      this.show("empty", "Type a formula: its result type shows here.");
      return;
    }
    this.show("checking", "Checking…");
    this.controller = new AbortController();
    const body = { formula };
    if (this.ctx.field) {
      body.name = this.ctx.field.name;
    }
    try {
      const typed = await this.ctx.api.post(`/database/formula/${this.ctx.tableId}/type/`, body, { signal: this.controller.signal });
      if (seq !== this.seq) {
        return;
      }
      if (typed.error) {
        this.show("error", typed.error);
      } else {
        this.show("ok", `Result: ${describeType(typed)}`);
      }
    } catch (e) {
      if (seq !== this.seq || e.name === "AbortError") {
        return;
      }
      this.show("error", e.message);
    }
  },

  show(state, text) {
    this.status.dataset.state = state;
    this.status.textContent = text;
  },

  destroy() {
    clearTimeout(this.timer);
    this.controller?.abort();
  },

  read() {
    return { formula: this.input.value };
  },
};
