// The words and inputs of the filters and sorts panels: each condition type named as a
// person says it ("is", "contains", "is before"), the value of a condition entered the way
// its field holds values (a select option by name and colour, a date with the relative
// periods the API knows, a checkbox, a number), and sort directions named for the field
// ("1 → 9", "A → Z", "oldest → newest", "unchecked → checked").

import { chip, shownAs } from "./cells.js";
import { el } from "./dom.js";

/** Condition types in words; types not listed fall back to their name with spaces. */
const LABELS = {
  equal: "is",
  not_equal: "is not",
  contains: "contains",
  contains_not: "doesn't contain",
  contains_word: "contains the word",
  doesnt_contain_word: "doesn't contain the word",
  length_is_lower_than: "is shorter than",
  higher_than: "is higher than",
  higher_than_or_equal: "is at least",
  lower_than: "is lower than",
  lower_than_or_equal: "is at most",
  empty: "is empty",
  not_empty: "is not empty",
  boolean: "is",
  single_select_equal: "is",
  single_select_not_equal: "is not",
  single_select_is_any_of: "is any of",
  single_select_is_none_of: "is none of",
  multiple_select_has: "has",
  multiple_select_has_not: "doesn't have",
  link_row_has: "links to row",
  link_row_has_not: "doesn't link to row",
  link_row_contains: "links to a row containing",
  link_row_not_contains: "doesn't link to a row containing",
  multiple_collaborators_has: "has",
  multiple_collaborators_has_not: "doesn't have",
  user_is: "is",
  user_is_not: "is not",
  filename_contains: "has a file named",
  has_file_type: "has a file of type",
  files_lower_than: "has fewer files than",
  date_is: "is",
  date_is_not: "is not",
  date_is_before: "is before",
  date_is_on_or_before: "is on or before",
  date_is_after: "is after",
  date_is_on_or_after: "is on or after",
  date_is_within: "is within",
  date_equal: "is on the date",
  date_not_equal: "is not on the date",
  date_before: "is before the date",
  date_before_or_equal: "is on or before the date",
  date_after: "is after the date",
  date_after_or_equal: "is on or after the date",
  date_equals_today: "is today",
  date_before_today: "is before today",
  date_after_today: "is after today",
  date_equals_days_ago: "is this many days ago",
  date_after_days_ago: "is at most this many days ago",
  date_within_days: "is within the next days",
  date_within_weeks: "is within the next weeks",
  date_within_months: "is within the next months",
  has_value_equal: "has a value equal to",
  has_not_value_equal: "has no value equal to",
  has_value_contains: "has a value containing",
  has_not_value_contains: "has no value containing",
  has_value_contains_word: "has a value containing the word",
  has_not_value_contains_word: "has no value containing the word",
  has_value_length_is_lower_than: "has a value shorter than",
  has_all_values_equal: "has all values equal to",
  has_empty_value: "has an empty value",
  has_not_empty_value: "has no empty value",
  has_any_select_option_equal: "has any of",
  has_none_select_option_equal: "has none of",
  has_value_higher: "has a value higher than",
  has_not_value_higher: "has no value higher than",
  has_value_higher_or_equal: "has a value of at least",
  has_not_value_higher_or_equal: "has no value of at least",
  has_value_lower: "has a value lower than",
  has_not_value_lower: "has no value lower than",
  has_value_lower_or_equal: "has a value of at most",
  has_not_value_lower_or_equal: "has no value of at most",
  has_date_equal: "has a date that is",
  has_not_date_equal: "has no date that is",
  has_date_before: "has a date before",
  has_not_date_before: "has no date before",
  has_date_on_or_before: "has a date on or before",
  has_not_date_on_or_before: "has no date on or before",
  has_date_after: "has a date after",
  has_not_date_after: "has no date after",
  has_date_on_or_after: "has a date on or after",
  has_not_date_on_or_after: "has no date on or after",
  has_date_within: "has a date within",
  has_not_date_within: "has no date within",
};

/** A condition type in words. */
export function conditionLabel(type) {
  return LABELS[type] ?? type.replace(/_/g, " ");
}

/** Field types (or formula types) whose values are numbers. */
const NUMERIC = ["number", "rating", "duration", "autonumber", "count"];

/** Conditions that take no value. */
const NO_VALUE = new Set(["empty", "not_empty", "has_empty_value", "has_not_empty_value"]);
/** Old date conditions whose value is only a time zone. */
const TODAY = new Set(["date_equals_today", "date_before_today", "date_after_today"]);
/** Old date conditions taking a date, and those taking a count. */
const LEGACY_DATE = new Set([
  "date_equal",
  "date_not_equal",
  "date_before",
  "date_before_or_equal",
  "date_after",
  "date_after_or_equal",
]);
const LEGACY_COUNT = new Set([
  "date_equals_days_ago",
  "date_after_days_ago",
  "date_within_days",
  "date_within_weeks",
  "date_within_months",
]);
/** Conditions on a date relative to today (`tz?argument?operator`). */
const MULTI_STEP = /^(has_(not_)?date_|date_is)/;

/**
 * The date conditions offered for a new choice: the ones relative to today; the old
 * ones stay readable on filters that use them.
 */
export function offeredTypes(types, current) {
  return types.filter((t) => t === current || !(LEGACY_DATE.has(t) || LEGACY_COUNT.has(t) || TODAY.has(t)));
}

/** The periods relative to today a date condition takes, in words. */
const PERIODS = [
  ["today", "today"],
  ["yesterday", "yesterday"],
  ["tomorrow", "tomorrow"],
  ["one_week_ago", "one week ago"],
  ["this_week", "this week"],
  ["next_week", "next week"],
  ["one_month_ago", "one month ago"],
  ["this_month", "this month"],
  ["next_month", "next month"],
  ["one_year_ago", "one year ago"],
  ["this_year", "this year"],
  ["next_year", "next year"],
  ["nr_days_ago", "number of days ago"],
  ["nr_weeks_ago", "number of weeks ago"],
  ["nr_months_ago", "number of months ago"],
  ["nr_years_ago", "number of years ago"],
  ["nr_days_from_now", "number of days from now"],
  ["nr_weeks_from_now", "number of weeks from now"],
  ["nr_months_from_now", "number of months from now"],
  ["nr_years_from_now", "number of years from now"],
  ["exact_date", "the date"],
];

/** The time zone date conditions count days in: the field's own, else the browser's. */
function zoneOf(field) {
  return field.date_force_timezone || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** `tz?argument?operator` split up (missing parts empty). */
function splitMultiStep(value) {
  const parts = String(value ?? "").split("?");
  if (parts.length < 3) {
    return { zone: "", arg: "", operator: "" };
  }
  return { zone: parts[0], arg: parts.slice(1, -1).join("?"), operator: parts.at(-1) };
}

/** The value of a new condition of `type` on `field` (a date one starts at today). */
export function startValue(field, type) {
  if (MULTI_STEP.test(type)) {
    return `${zoneOf(field)}??today`;
  }
  if (TODAY.has(type)) {
    return zoneOf(field);
  }
  return "";
}

/** The chip colour class of a select option. */
function colourClass(option) {
  return `chip-${String(option.color || "light-gray").replace(/[^a-z-]/g, "")}`;
}

/**
 * A select option `<select>`: each option named and coloured as its chip, the list itself
 * in the colour of the chosen one.
 */
function optionSelect(options, value, onchange, label) {
  const chosen = options.find((o) => String(o.id) === String(value));
  const node = el("select", {
    class: `filter-value filter-option ${chosen ? colourClass(chosen) : ""}`.trim(),
    "aria-label": label,
    onchange,
  });
  node.append(el("option", { value: "", textContent: "Choose an option…" }));
  for (const option of options) {
    node.append(
      el("option", {
        value: String(option.id),
        textContent: option.value,
        class: colourClass(option),
        selected: String(option.id) === String(value),
      }),
    );
  }
  return node;
}

/** Several select options: a checkbox with each option's chip. */
function optionChecks(options, value, onChange) {
  const chosen = new Set(String(value ?? "").split(",").filter(Boolean));
  const legend = el("legend", { class: "visually-hidden", textContent: "Options" });
  const box = el("fieldset", { class: "filter-value filter-options" }, legend);
  for (const option of options) {
    const check = el("input", {
      type: "checkbox",
      value: String(option.id),
      checked: chosen.has(String(option.id)),
      onchange: () => {
        const ids = [...box.querySelectorAll("input:checked")].map((c) => c.value);
        onChange(ids.join(","));
      },
    });
    box.append(el("label", { class: "filter-option-check" }, check, chip(option)));
  }
  if (options.length === 0) {
    box.append(el("span", { class: "field-note", textContent: "This field has no options yet." }));
  }
  return box;
}

/** A date input (`YYYY-MM-DD`) telling `onChange` its value when it changes. */
function dateInput(value, onChange) {
  const input = el("input", {
    type: "date",
    class: "filter-value filter-date",
    "aria-label": "Date",
    value: value.slice(0, 10),
  });
  input.addEventListener("change", () => onChange(input.value));
  return input;
}

/** A count (of days, weeks, …) telling `onChange` its value when it changes. */
function countInput(value, onChange) {
  const input = el("input", { type: "number", min: "0", class: "filter-value filter-count", "aria-label": "Number", value });
  input.addEventListener("change", () => onChange(input.value));
  return input;
}

/** What an old date condition's value says after its optional `zone?`. */
function legacyArgument(value) {
  return String(value ?? "").split("?").at(-1);
}

/** A date condition relative to today: the period, and a date or a count when it needs one. */
function periodInputs(field, value, onChange) {
  const { arg, operator } = splitMultiStep(value);
  const chosen = operator || "today";
  const write = (nextOperator, nextArg) => onChange(`${zoneOf(field)}?${nextArg}?${nextOperator}`);
  const period = el("select", {
    class: "filter-period",
    "aria-label": "Period",
    onchange: () => write(period.value, ""),
  });
  for (const [v, text] of PERIODS) {
    period.append(el("option", { value: v, textContent: text, selected: v === chosen }));
  }
  const parts = [period];
  if (chosen === "exact_date") {
    parts.push(dateInput(arg, (date) => write("exact_date", date)));
  } else if (chosen.startsWith("nr_")) {
    parts.push(countInput(arg, (count) => write(chosen, count)));
  }
  return el("span", { class: "filter-inputs" }, ...parts);
}

/**
 * The value input(s) of a condition: `onChange(value)` gets the new value as the API takes
 * it. Answers null for conditions without a value.
 */
export function valueInput(field, filter, onChange) {
  const type = filter.type;
  const shown = field ? shownAs(field) : { type: "text" };
  if (!field || NO_VALUE.has(type) || TODAY.has(type)) {
    return null;
  }
  if (MULTI_STEP.test(type)) {
    return periodInputs(field, filter.value, onChange);
  }
  if (LEGACY_DATE.has(type)) {
    return dateInput(legacyArgument(filter.value), onChange);
  }
  if (LEGACY_COUNT.has(type)) {
    return countInput(legacyArgument(filter.value), onChange);
  }
  const options = field.select_options || [];
  if (type === "single_select_is_any_of" || type === "single_select_is_none_of") {
    return optionChecks(options, filter.value, onChange);
  }
  if (/^(single_select_(not_)?equal|multiple_select_has(_not)?|has_(any|none)_select_option_equal)$/.test(type)) {
    return optionSelect(options, filter.value, (e) => onChange(e.target.value), "Option");
  }
  if (type === "multiple_collaborators_has" || type === "multiple_collaborators_has_not") {
    const people = (field.available_collaborators || []).map((u) => ({ id: u.id, value: u.name, color: "blue" }));
    return optionSelect(people, filter.value, (e) => onChange(e.target.value), "Collaborator");
  }
  if (type === "boolean") {
    const box = el("input", {
      type: "checkbox",
      class: "filter-value filter-boolean",
      "aria-label": "Checked",
      checked: ["1", "true"].includes(String(filter.value).toLowerCase()),
    });
    box.addEventListener("change", () => onChange(box.checked ? "1" : "0"));
    return el("label", { class: "filter-inputs check-row" }, box, "checked");
  }
  const numeric = NUMERIC.includes(shown.type) || /higher|lower/.test(type);
  const text = el("input", {
    class: "filter-value",
    "aria-label": "Value",
    value: filter.value ?? "",
    inputMode: numeric ? "decimal" : undefined,
    placeholder: numeric ? "A number" : "A value",
  });
  text.addEventListener("change", () => onChange(text.value));
  return text;
}

/** The two sort directions of a field, in words: [ascending, descending]. */
export function sortLabels(field) {
  const type = field ? shownAs(field).type : "text";
  if (NUMERIC.includes(type)) {
    return ["1 → 9", "9 → 1"];
  }
  if (["date", "created_on", "last_modified"].includes(type)) {
    return ["oldest → newest", "newest → oldest"];
  }
  if (type === "boolean") {
    return ["unchecked → checked", "checked → unchecked"];
  }
  return ["A → Z", "Z → A"];
}
