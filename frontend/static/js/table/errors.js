// What an API error means, in words: the server's own sentences when it sent some (a
// validation detail per field, a message), else a sentence for its error code. The raw
// `ERROR_…` code is never what a person reads.

/** What a person reads when a value repeats one that a unique field already holds. */
export const NOT_UNIQUE = "Another row already holds this value, and this field's values must be unique.";

/** Sentences for the codes a table page meets; others fall back to the HTTP status. */
const CODE_SENTENCES = {
  ERROR_REQUEST_BODY_VALIDATION: "This value was refused.",
  ERROR_ROW_DOES_NOT_EXIST: "This row no longer exists: someone deleted it.",
  ERROR_FIELD_DOES_NOT_EXIST: "This field no longer exists: someone deleted it.",
  ERROR_TABLE_DOES_NOT_EXIST: "This table no longer exists.",
  ERROR_VIEW_DOES_NOT_EXIST: "This view no longer exists.",
  ERROR_USER_NOT_IN_GROUP: "You are not a member of this workspace any more.",
  ERROR_NO_PERMISSION_TO_TABLE: "You may not change this table.",
  ERROR_PERMISSION_DENIED: "You may not do this here.",
  ERROR_CANNOT_RESTORE_PARENT_BEFORE_CHILD: "The table of these rows is in the trash: restore it first.",
  ERROR_CANT_RESTORE_AS_RELATED_TABLE_TRASHED: "A table these rows link to is in the trash: restore it first.",
  ERROR_TRASH_ITEM_DOES_NOT_EXIST: "These rows are no longer in the trash.",
  ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD: "This condition does not apply to that field.",
  ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS: "The view is already sorted by that field.",
  ERROR_VIEW_SORT_NOT_SUPPORTED: "This field cannot be sorted.",
  ERROR_RATE_LIMIT_EXCEEDED: "Too many changes at once: wait a moment and try again.",
  ERROR_REQUEST_BODY_TOO_LARGE: "This is too large to save.",
};

/** The sentences of a validation detail (`{key: [{error, code}]}`, lists, nested), in order. */
function sentences(detail) {
  if (typeof detail === "string") {
    return [detail];
  }
  if (Array.isArray(detail)) {
    return detail.flatMap(sentences);
  }
  if (detail && typeof detail === "object") {
    if (typeof detail.error === "string" && !detail.error.startsWith("ERROR_")) {
      return [detail.error];
    }
    return Object.values(detail).flatMap(sentences);
  }
  return [];
}

/** An API error body (`{error, detail}`) with its HTTP status, as one or more sentences. */
export function explain(status, body) {
  const code = body?.error ?? null;
  // The server's sentence names no value or field: this one says what to do.
  if (code === "ERROR_FIELD_DATA_CONSTRAINT") {
    return NOT_UNIQUE;
  }
  const said = [...new Set(sentences(body?.detail).filter((s) => !/^ERROR_[A-Z_]+$/.test(s)))];
  if (said.length > 0) {
    return said.join(" ");
  }
  if (code && CODE_SENTENCES[code]) {
    return CODE_SENTENCES[code];
  }
  if (status === 401) {
    return "You were signed out: sign in again.";
  }
  if (status === 403) {
    return "You may not do this here.";
  }
  if (status === 404) {
    return "This no longer exists.";
  }
  if (status >= 500) {
    return "The server failed to do this; try again in a moment.";
  }
  return "This was refused.";
}
