// Shared grid page: the filter row offers only the conditions that apply to the chosen field.
// The page works without this script (the server refuses a condition that does not apply).

const field = document.getElementById("filter-field");
const operator = document.getElementById("filter-op");
const value = document.getElementById("filter-value");

/** Shows the conditions of the chosen field; keeps the current one when it still applies. */
function matchOperators() {
  const id = field.value;
  let firstShown = null;
  for (const option of operator.options) {
    const applies = id === "" || option.dataset.fields.split(" ").includes(id);
    option.hidden = !applies;
    option.disabled = !applies;
    if (applies && !firstShown) firstShown = option;
  }
  if (operator.selectedOptions[0]?.disabled && firstShown) firstShown.selected = true;
  matchValue();
}

/** "is empty" and "is not empty" take no value. */
function matchValue() {
  const needsValue = !["empty", "not_empty"].includes(operator.value);
  value.disabled = !needsValue;
  if (!needsValue) value.value = "";
}

if (field && operator && value) {
  field.addEventListener("change", matchOperators);
  operator.addEventListener("change", matchValue);
  matchOperators();
}
