// The sidebar's message line: what went wrong with the last action, in words, or what is
// under way ("Duplicating …").

let timer;

function line() {
  return document.getElementById("sidebar-error");
}

/** Shows an error until the next action (or for 10 seconds). */
export function showNavError(text) {
  const box = line();
  box.textContent = text;
  box.dataset.kind = "error";
  box.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(clearNavStatus, 10000);
}

/** Shows what is under way, until cleared. */
export function showNavProgress(text) {
  const box = line();
  box.textContent = text;
  box.dataset.kind = "progress";
  box.hidden = false;
  clearTimeout(timer);
}

export function clearNavStatus() {
  clearTimeout(timer);
  line().hidden = true;
}
