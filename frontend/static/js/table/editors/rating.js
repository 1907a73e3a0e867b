// Ratings change without an editor: a click on a star sets it (on the lit top star,
// clears it), and a digit typed on the selected cell sets that many stars.

/** The rating a click on `target` sets, or undefined when it was not on a star. */
export function ratingFromClick(field, value, target) {
  const star = target.closest?.("[data-rating]");
  if (!star) {
    return undefined;
  }
  const n = Number(star.dataset.rating);
  return n === (Number(value) || 0) ? 0 : n;
}

/** The rating a typed key sets (0–9, at most the field's maximum), or undefined. */
export function ratingFromKey(field, key) {
  if (!/^[0-9]$/.test(key)) {
    return undefined;
  }
  return Math.min(Number(key), Number(field.max_value) || 5);
}
