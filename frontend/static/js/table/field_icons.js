// Field type icons: one small line drawing per type (16×16, drawn in the text's colour),
// shown in the grid's column headers and beside the field dialog's type picker.

const SVG = "http://www.w3.org/2000/svg";

/** Each type's drawing as SVG path data; types not listed get the text icon. */
const SHAPES = {
  text: "M3 4h10M8 4v9M6 13h4",
  long_text: "M2.5 4h11M2.5 7h11M2.5 10h11M2.5 13h6",
  number: "M6 2.5 4.5 13.5M11.5 2.5 10 13.5M2.5 6h11M2 10.5h11",
  rating: "M8 2l1.8 3.8 4.1.5-3 2.9.8 4.1L8 11.3l-3.7 2 .8-4.1-3-2.9 4.1-.5z",
  boolean: "M3 2.5h10a.5.5 0 0 1 .5.5v10a.5.5 0 0 1-.5.5H3a.5.5 0 0 1-.5-.5V3a.5.5 0 0 1 .5-.5zM5 8l2 2 4-4",
  date: "M2.5 4h11v9.5h-11zM2.5 7h11M5.5 2v3M10.5 2v3",
  duration: "M8 2.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM8 5v3l2 1.5",
  single_select: "M8 2.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM5.8 7l2.2 2.2L10.2 7",
  multiple_select: "M2.5 4.5h2M2.5 8h2M2.5 11.5h2M6.5 4.5h7M6.5 8h7M6.5 11.5h7",
  link_row: "M6.5 9.5l3-3M7 4.5l1.2-1.2a2.6 2.6 0 0 1 3.7 3.7L10.7 8.2M9 11.5l-1.2 1.2a2.6 2.6 0 0 1-3.7-3.7L5.3 7.8",
  lookup: "M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.2 10.2 13.5 13.5",
  rollup: "M12 3H4l4.5 5L4 13h8",
  count: "M4 2.5v11M8 2.5v11M12 2.5v11M2.5 9.5 13.5 6",
  url: "M8 2.5a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11zM2.5 8h11M8 2.5c-2.5 3-2.5 8 0 11M8 2.5c2.5 3 2.5 8 0 11",
  email: "M2.5 4h11v8h-11zM2.5 4.5 8 9l5.5-4.5",
  phone_number: "M4.5 2.5h2l1 3-1.5 1a7 7 0 0 0 3.5 3.5l1-1.5 3 1v2a1 1 0 0 1-1 1A10.5 10.5 0 0 1 3.5 3.5a1 1 0 0 1 1-1z",
  file: "M4 2.5h5l3 3v8H4zM9 2.5v3h3",
  multiple_collaborators: "M6 3a2.2 2.2 0 1 0 0 4.4A2.2 2.2 0 0 0 6 3zM2 13c0-2.2 1.8-3.6 4-3.6s4 1.4 4 3.6M10.5 3.3a2.2 2.2 0 0 1 0 4M11.5 9.6c1.5.4 2.5 1.6 2.5 3.4",
  formula: "M10.5 2.5c-1.5 0-2 .8-2.3 2.3L6.8 11.2c-.3 1.5-.8 2.3-2.3 2.3M5 6.5h5.5",
  autonumber: "M3 5.5 5 4v8M3 12h4M9 5.5a1.8 1.8 0 0 1 3.5.5c0 1.5-3.5 3-3.5 6h3.8",
  uuid: "M5.5 4.5C4 4.5 4 5.5 4 6.5S3.5 8 2.5 8c1 0 1.5.5 1.5 1.5s0 2 1.5 2M10.5 4.5c1.5 0 1.5 1 1.5 2s.5 1.5 1.5 1.5c-1 0-1.5.5-1.5 1.5s0 2-1.5 2",
  created_on: "M2.5 4h11v9.5h-11zM2.5 7h11M5.5 2v3M10.5 2v3M6.5 10.5h3M8 9v3",
  last_modified: "M2.5 4h11v9.5h-11zM2.5 7h11M5.5 2v3M10.5 2v3M6 10.5l1.5 1.2 2.5-2.7",
  created_by: "M8 2.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM3 13.5c0-2.6 2.2-4.3 5-4.3M11.5 9.5v4M9.5 11.5h4",
  last_modified_by: "M8 2.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM3 13.5c0-2.6 2.2-4.3 5-4.3M9.5 13.5l.4-1.6 2.8-2.8 1.2 1.2-2.8 2.8z",
  password: "M4 7.5h8v6H4zM5.5 7.5V5.5a2.5 2.5 0 0 1 5 0v2M8 10v1.5",
};

/** The icon of a field type, hidden from assistive technology (the type is named elsewhere). */
export function fieldIcon(type) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "field-icon");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  svg.dataset.type = type;
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", SHAPES[type] ?? SHAPES.text);
  svg.append(path);
  return svg;
}
