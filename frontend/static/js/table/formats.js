// Dates and durations as a field shows them, and back: the field's date format (EU, US,
// ISO; 24 or 12 hour clock; its time zone) and duration format ("h:mm", "d h", …). The API
// stores dates as ISO 8601 (date and time in UTC) and durations as seconds.

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** The time zone a date and time field is shown in (the field's own, else the browser's). */
function timeZone(field) {
  const zone = field.date_force_timezone;
  if (zone) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return zone;
    } catch {
      // An unknown zone name: fall back to the browser's.
    }
  }
  return undefined;
}

/** The wall clock of an instant in a zone: {year, month, day, hour, minute}. */
function wallClock(date, zone) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const get = (type) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour") % 24, minute: get("minute") };
}

/** A stored date value's parts as the field shows them, or null when it is not a date. */
function dateParts(field, value) {
  if (typeof value !== "string" || value === "") {
    return null;
  }
  if (!field.date_include_time) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    return m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : wallClock(date, timeZone(field));
}

/** A date value as the field's format shows it ("31/01/2024 14:30", "01/31/2024 02:30 PM"). */
export function formatDate(field, value) {
  const p = dateParts(field, value);
  if (!p) {
    return value ? String(value) : "";
  }
  const [y, m, d] = [pad(p.year, 4), pad(p.month), pad(p.day)];
  const format = field.date_format || "EU";
  let text = format === "US" ? `${m}/${d}/${y}` : format === "ISO" ? `${y}-${m}-${d}` : `${d}/${m}/${y}`;
  if (field.date_include_time) {
    if (field.date_time_format === "12") {
      const hour = p.hour % 12 || 12;
      text += ` ${pad(hour)}:${pad(p.minute)} ${p.hour < 12 ? "AM" : "PM"}`;
    } else {
      text += ` ${pad(p.hour)}:${pad(p.minute)}`;
    }
    if (field.date_show_tzinfo) {
      text += ` ${timeZone(field) || Intl.DateTimeFormat().resolvedOptions().timeZone}`;
    }
  }
  return text;
}

/** A stored date value as an `<input type="date">` / `datetime-local` value. */
export function dateInputValue(field, value) {
  const p = dateParts(field, value);
  if (!p) {
    return "";
  }
  const day = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  return field.date_include_time ? `${day}T${pad(p.hour)}:${pad(p.minute)}` : day;
}

/** An input's value as the API takes it: the date, or the instant in UTC; empty is null. */
export function dateFromInput(field, text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(text.trim());
  if (!m) {
    return null;
  }
  if (!field.date_include_time) {
    return `${m[1]}-${m[2]}-${m[3]}`;
  }
  const [year, month, day, hour, minute] = m.slice(1, 6).map((v) => Number(v || 0));
  const zone = timeZone(field);
  if (!zone) {
    return new Date(year, month - 1, day, hour, minute).toISOString();
  }
  // The zone's offset at that wall time: guess it as UTC, then correct by the offset the
  // zone has there (twice, for the hour around a daylight saving change).
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  let instant = asUtc;
  for (let i = 0; i < 2; i += 1) {
    const w = wallClock(new Date(instant), zone);
    const offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - instant;
    instant = asUtc - offset;
  }
  return new Date(instant).toISOString();
}

/** The duration formats of the API, and the step each rounds to (seconds). */
const DURATION_STEP = {
  "h:mm": 60,
  "h:mm:ss": 1,
  "h:mm:ss.s": 0.1,
  "h:mm:ss.ss": 0.01,
  "h:mm:ss.sss": 0.001,
  "d h": 3600,
  "d h:mm": 60,
  "d h:mm:ss": 1,
  "d h mm": 60,
  "d h mm ss": 1,
};

/** Seconds as a duration format shows them ("1:30", "2d 3h", "0:01:05.5"). */
export function formatDuration(seconds, format = "h:mm") {
  if (seconds === null || seconds === undefined || seconds === "" || !Number.isFinite(Number(seconds))) {
    return "";
  }
  const step = DURATION_STEP[format] ?? 60;
  const rounded = Math.round(Number(seconds) / step) * step;
  const sign = rounded < 0 ? "-" : "";
  let rest = Math.round(Math.abs(rounded) * 1000) / 1000;
  let days = 0;
  if (format.startsWith("d ")) {
    days = Math.floor(rest / 86400);
    rest -= days * 86400;
  }
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  const s = Math.round((rest - h * 3600 - m * 60) * 1000) / 1000;
  const decimals = /\.(s+)$/.exec(format)?.[1].length ?? 0;
  const secs = decimals ? s.toFixed(decimals).padStart(decimals + 3, "0") : pad(Math.round(s));
  switch (format) {
    case "h:mm:ss":
    case "h:mm:ss.s":
    case "h:mm:ss.ss":
    case "h:mm:ss.sss":
      return `${sign}${h}:${pad(m)}:${secs}`;
    case "d h":
      return `${sign}${days}d ${h}h`;
    case "d h:mm":
      return `${sign}${days}d ${h}:${pad(m)}`;
    case "d h:mm:ss":
      return `${sign}${days}d ${h}:${pad(m)}:${secs}`;
    case "d h mm":
      return `${sign}${days}d ${h}h ${m}m`;
    case "d h mm ss":
      return `${sign}${days}d ${h}h ${m}m ${Math.round(s)}s`;
    default:
      return `${sign}${h}:${pad(m)}`;
  }
}

/** What a plain number counts in each format: its smallest unit (as Baserow does). */
function smallestUnit(format) {
  const step = DURATION_STEP[format] ?? 60;
  return step >= 1 ? step : 1;
}

const NUM = "(\\d+(?:\\.\\d+)?)";
const UNITS = new RegExp(`^(?:${NUM}\\s*d)?\\s*(?:${NUM}\\s*h)?\\s*(?:${NUM}\\s*m)?\\s*(?:${NUM}\\s*s)?$`);
const CLOCK = /^(?:(\d+)\s*d\s*|(\d+)\s+)?(\d+):(\d+)(?::(\d+(?:\.\d+)?))?$/;
const DAYS_HOURS = /^(\d+)\s*d?\s+(\d+)$/;

/**
 * Text a user typed as seconds, or null when it is no duration. Accepted: the format's
 * own shape ("1:30", "1:30:15", "2d 3h", "1d 2:30"), units in any subset ("2d 3h 15m 10s",
 * "45m"), days before a clock ("1 2:30"), and a plain number counted in the format's
 * smallest unit ("90" is 90 minutes in "h:mm", 10 hours in "d h"). A leading "-" negates.
 */
export function parseDuration(text, format = "h:mm") {
  let rest = String(text).trim().toLowerCase();
  if (rest === "") {
    return null;
  }
  let sign = 1;
  if (rest.startsWith("-")) {
    sign = -1;
    rest = rest.slice(1).trim();
  }
  let m = /^\d+(?:\.\d+)?$/.exec(rest);
  if (m) {
    return sign * Number(rest) * smallestUnit(format);
  }
  m = UNITS.exec(rest);
  if (m && m.slice(1).some((v) => v !== undefined)) {
    const [d, h, mi, s] = m.slice(1, 5).map((v) => Number(v || 0));
    return sign * (d * 86400 + h * 3600 + mi * 60 + s);
  }
  m = CLOCK.exec(rest);
  if (m) {
    const days = Number(m[1] ?? m[2] ?? 0);
    return sign * (days * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5] || 0));
  }
  m = DAYS_HOURS.exec(rest);
  if (m && format.startsWith("d h")) {
    return sign * (Number(m[1]) * 86400 + Number(m[2]) * 3600);
  }
  return null;
}

/**
 * Text in the field's own date format (as copied from a cell) as the API takes it, or null
 * when the text has another shape (the API then reads it itself). A time is read in the
 * zone the field shows, not as UTC.
 */
export function parseDateText(field, text) {
  const m = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?\s*([ap]m)?)?$/i.exec(text.trim());
  if (!m) {
    return null;
  }
  let year;
  let month;
  let day;
  if (m[1].length === 4) {
    [year, month, day] = [m[1], m[2], m[3]];
  } else if (field.date_format === "US") {
    [month, day, year] = [m[1], m[2], m[3]];
  } else {
    [day, month, year] = [m[1], m[2], m[3]];
  }
  if (year.length !== 4) {
    return null;
  }
  let hour = Number(m[4] || 0);
  if (m[6]) {
    hour = (hour % 12) + (m[6].toLowerCase() === "pm" ? 12 : 0);
  }
  const iso = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${m[5] || "00"}`;
  return dateFromInput(field, iso);
}

/** The thousands and decimal marks of Baserow's `number_separator` values. */
const NUMBER_MARKS = {
  COMMA_PERIOD: [",", "."],
  PERIOD_COMMA: [".", ","],
  SPACE_PERIOD: [" ", "."],
  SPACE_COMMA: [" ", ","],
};

/**
 * A number value (the API's decimal text) as its field shows it: grouped and marked as
 * the field's separators say, between its prefix and suffix. Editing starts from the
 * plain value instead, which is what the API takes back.
 */
export function formatNumber(field, value) {
  const text = String(value);
  const [thousands, decimal] = NUMBER_MARKS[field.number_separator] ?? ["", "."];
  const parts = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  let body = text;
  if (parts) {
    const whole = thousands ? parts[2].replace(/\B(?=(\d{3})+(?!\d))/g, thousands) : parts[2];
    body = parts[1] + whole + (parts[3] !== undefined ? decimal + parts[3] : "");
  }
  return `${field.number_prefix ?? ""}${body}${field.number_suffix ?? ""}`;
}
