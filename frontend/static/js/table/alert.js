// The table page's alert box: a short-lived error message (a failed save, a lost table).

/** Shows `error` in the page's alert box for a few seconds. */
export function showError(error) {
  const box = document.getElementById("grid-error");
  box.textContent = error?.message || String(error);
  box.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => {
    box.hidden = true;
  }, 6000);
}
