// Column resizing: a handle on the right edge of each header. Dragging it (or the arrow
// keys while it has the focus) changes the column's width at once; the new width is
// reported when the drag ends (or the keys pause), for the page to keep in the view.

export const MIN_WIDTH = 60;
export const MAX_WIDTH = 2000;
const KEY_STEP = 10;

const clamp = (w) => Math.round(Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, w)));

/**
 * @param {HTMLElement} th  the header cell (the handle goes in it)
 * @param {HTMLTableColElement} col  the column whose width changes
 * @param {object} field
 * @param {number} width  the current width
 * @param {function(object, number): void} onResize  (field, width) once a change is done
 */
export function addResizeHandle(th, col, field, width, onResize) {
  const handle = document.createElement("span");
  handle.className = "col-resize";
  handle.tabIndex = 0;
  handle.setAttribute("role", "separator");
  handle.setAttribute("aria-orientation", "vertical");
  handle.setAttribute("aria-label", `Resize ${field.name}`);
  handle.setAttribute("aria-valuemin", String(MIN_WIDTH));
  handle.setAttribute("aria-valuemax", String(MAX_WIDTH));
  let current = width;
  const set = (w) => {
    current = clamp(w);
    col.style.width = `${current}px`;
    handle.setAttribute("aria-valuenow", String(current));
  };
  set(width);

  handle.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    const startWidth = current;
    handle.setPointerCapture(event.pointerId);
    document.body.classList.add("resizing-column");
    const move = (e) => set(startWidth + e.clientX - startX);
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
      handle.removeEventListener("pointercancel", up);
      document.body.classList.remove("resizing-column");
      if (current !== startWidth) {
        onResize(field, current);
      }
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
    handle.addEventListener("pointercancel", up);
  });
  // A click on the handle is not a click on the field's name (which opens its settings).
  handle.addEventListener("click", (event) => event.stopPropagation());

  let timer = 0;
  handle.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const step = (event.shiftKey ? 5 : 1) * KEY_STEP;
    set(current + (event.key === "ArrowRight" ? step : -step));
    clearTimeout(timer);
    timer = setTimeout(() => onResize(field, current), 400);
  });
  th.append(handle);
  return handle;
}
