// Who else is viewing the table, as round avatars in the toolbar: the user's initials on a
// colour of their own (the same on every page and for every viewer, as it comes from the
// user's id), the full name on hover and for screen readers.

/** "Ann Lee" → "AL", "ann" → "A": the first letters of the first and last words. */
export function initials(name) {
  const words = (name || "").trim().split(/\s+/).filter(Boolean);
  if (!words.length) {
    return "?";
  }
  const first = [...words[0]][0];
  const last = words.length > 1 ? [...words[words.length - 1]][0] : "";
  return (first + last).toUpperCase();
}

/**
 * A user's colour: hues a golden angle apart for consecutive ids, so that users who joined
 * one after another never look alike; dark enough for white initials.
 */
export function viewerColour(userId) {
  const hue = Math.round((Number(userId) * 137.508) % 360);
  return `hsl(${hue} 60% 38%)`;
}

/** Fills the `#viewers` list with the users viewing the table, but not `selfId`. */
export function showViewers(users, selfId) {
  const list = document.getElementById("viewers");
  const others = users.filter((u) => u.id !== selfId);
  const items = others.map((u) => {
    const li = document.createElement("li");
    li.className = "viewer";
    li.title = u.name;
    li.textContent = initials(u.name);
    li.setAttribute("aria-label", u.name);
    li.dataset.userId = String(u.id);
    li.style.backgroundColor = viewerColour(u.id);
    return li;
  });
  list.replaceChildren(...items);
  list.dataset.count = String(others.length);
}
