// A short message next to a cell (under it, or above it when there is no room): a failed
// upload, a value the server refused, a key the cell does not take.

/**
 * Shows `message` under `anchor` (a cell), replacing any other notice. It goes when clicked
 * and, unless `sticky`, after a few seconds; a sticky one stays until removed (the notice
 * is answered). `kind` styles it: "error" (default) or "hint".
 */
export function showCellNotice(anchor, message, { sticky = false, kind = "error" } = {}) {
  document.querySelectorAll(".cell-notice").forEach((n) => n.remove());
  const notice = document.createElement("div");
  notice.className = `cell-notice cell-notice-${kind}`;
  notice.id = "cell-notice";
  notice.setAttribute("role", kind === "error" ? "alert" : "status");
  notice.textContent = message;
  (anchor.closest("dialog") || document.body).append(notice);
  // It follows its cell when the window changes size or something scrolls.
  const place = () => {
    if (!notice.isConnected) {
      window.removeEventListener("resize", place);
      document.removeEventListener("scroll", place, true);
      return;
    }
    if (!anchor.isConnected) {
      return; // the cell was drawn again: the notice stays where it was
    }
    const rect = anchor.getBoundingClientRect();
    notice.style.maxWidth = `${Math.min(window.innerWidth - 8, 320)}px`;
    notice.style.left = `${Math.max(4, Math.min(rect.left, window.innerWidth - notice.offsetWidth - 4))}px`;
    const below = rect.bottom + 4;
    notice.style.top = `${below + notice.offsetHeight > window.innerHeight ? Math.max(4, rect.top - notice.offsetHeight - 4) : below}px`;
  };
  place();
  window.addEventListener("resize", place);
  document.addEventListener("scroll", place, true);
  const remove = () => notice.remove();
  notice.addEventListener("click", remove);
  if (!sticky) {
    setTimeout(remove, kind === "hint" ? 3000 : 8000);
  }
  return notice;
}
