// Small enhancements for every page; each page works without them.

// Forms with data-confirm ask before submitting (deletes).
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Only one action menu open at a time; Escape closes it.
document.addEventListener('toggle', (event) => {
  const opened = event.target;
  if (opened instanceof HTMLDetailsElement && opened.open && opened.classList.contains('menu')) {
    for (const other of document.querySelectorAll('details.menu[open]')) {
      if (other !== opened) other.open = false;
    }
    const field = opened.querySelector('input[type="text"]');
    if (field) field.focus();
  }
}, true);
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  for (const open of document.querySelectorAll('details.menu[open]')) {
    open.open = false;
    open.querySelector('summary')?.focus();
  }
});

// Copy buttons: <button data-copy="#element-id">.
document.addEventListener('click', async (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }
});
