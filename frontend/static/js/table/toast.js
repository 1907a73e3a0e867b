// A short message at the bottom of the page, with an action (Undo) for a few seconds.

/**
 * Shows `message` with a button `action` that calls `onAction` (once) and closes the toast.
 * A newer toast replaces an older one. Answers `{close}`.
 */
export function showToast(message, { action, onAction, duration = 8000 } = {}) {
  document.getElementById("toast")?.remove();
  const toast = document.createElement("div");
  toast.id = "toast";
  toast.className = "toast";
  toast.setAttribute("role", "status");
  const text = document.createElement("span");
  text.className = "toast-text";
  text.textContent = message;
  toast.append(text);
  const close = () => {
    clearTimeout(timer);
    toast.remove();
  };
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "toast-action";
    button.textContent = action;
    button.addEventListener("click", () => {
      close();
      onAction();
    });
    toast.append(button);
  }
  document.body.append(toast);
  const timer = setTimeout(close, duration);
  return { close };
}
