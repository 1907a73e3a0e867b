// Which characters a cell takes as they are typed: numbers take digits (and '-' when
// negatives are allowed, '.' or ',' as the decimal mark when it has decimals), ratings digits,
// durations digits with ':' '.' and the unit letters d h m s. Other fields take anything.
// A refused key never reaches the editor, so a letter cannot slip into a number.

function hasDecimals(field) {
  return Number(field.number_decimal_places) > 0;
}

/** Whether `ch` (one typed character) may go into a cell of `field`. */
export function acceptsChar(field, ch) {
  if (/^[0-9]$/.test(ch)) {
    return true;
  }
  switch (field.type) {
    case "number":
      return (ch === "-" && Boolean(field.number_negative)) || ((ch === "." || ch === ",") && hasDecimals(field));
    case "rating":
      return false;
    case "duration":
      return /^[:.\s\-dhms]$/i.test(ch);
    default:
      return true;
  }
}

/** What a refused key is told: the characters the field takes. */
export function acceptedHint(field) {
  switch (field.type) {
    case "number": {
      const extra = [field.number_negative ? "“-”" : null, hasDecimals(field) ? "a decimal mark" : null].filter(Boolean);
      return `“${field.name}” takes numbers: digits${extra.length ? ` and ${extra.join(" and ")}` : ""} only.`;
    }
    case "rating":
      return `“${field.name}” takes a rating from 0 to ${Number(field.max_value) || 5}.`;
    case "duration":
      return `“${field.name}” takes a duration as ${field.duration_format || "h:mm"}: digits, “:” and the units d, h, m, s.`;
    default:
      return "";
  }
}
