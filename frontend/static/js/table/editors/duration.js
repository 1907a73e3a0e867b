// The duration editor: text in the field's duration format ("1:30", "2d 3h", "45m", or a
// number in the format's smallest unit), sent as seconds. Text it cannot read keeps the
// editor open and marked invalid.

import { formatDuration, parseDuration } from "../formats.js";
import { INVALID, openTextEditor } from "./text.js";

export function openDurationEditor(td, field, value, initialText, done) {
  const format = field.duration_format || "h:mm";
  return openTextEditor(td, field, value, initialText, done, {
    placeholder: format,
    hint: `Type a duration as ${format}, e.g. ${formatDuration(5400, format)}`,
    parse: (text) => {
      if (text.trim() === "") {
        return null;
      }
      return parseDuration(text, format) ?? INVALID;
    },
  });
}
