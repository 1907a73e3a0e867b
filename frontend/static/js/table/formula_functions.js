// The formula functions the server knows (backend/src/database/formula/functions.rs, kept
// by hand), grouped by family for the formula editor's list: each with a one-line
// description and an example. `field` and `lookup` are read by the parser itself; the
// operators are listed with the symbols that call them.

export const FORMULA_FUNCTIONS = [
  {
    family: "Fields",
    functions: [
      ["field", "The value of another field of this row.", "field('Price')"],
      ["lookup", "The values of a field in the rows a link field points at.", "lookup('Orders', 'Total')"],
      ["row_id", "The row's id.", "row_id()"],
    ],
  },
  {
    family: "Text",
    functions: [
      ["concat", "Joins texts (and any values) together.", "concat(field('First'), ' ', field('Last'))"],
      ["upper", "The text in upper case.", "upper('abc')"],
      ["lower", "The text in lower case.", "lower('ABC')"],
      ["trim", "The text without spaces at either end.", "trim('  a  ')"],
      ["length", "The number of characters of a text.", "length('abc')"],
      ["left", "The first n characters of a text.", "left('abcd', 2)"],
      ["right", "The last n characters of a text.", "right('abcd', 2)"],
      ["contains", "Whether a text contains another.", "contains('abc', 'b')"],
      ["search", "Where a text starts inside another (0 when absent).", "search('abc', 'c')"],
      ["replace", "Replaces every occurrence of a text by another.", "replace('a-b', '-', '+')"],
      ["regex_replace", "Replaces what a regular expression matches.", "regex_replace('a1b2', '[0-9]', '')"],
      ["reverse", "The text backwards.", "reverse('abc')"],
      ["split_part", "The nth part of a text split by a delimiter.", "split_part('a,b,c', ',', 2)"],
      ["totext", "Any value as text.", "totext(12)"],
      ["tovarchar", "A text as a short text.", "tovarchar('abc')"],
      ["t", "A text value as itself, other values as empty text.", "t(field('Name'))"],
      ["encode_uri", "A text escaped for use as a URL.", "encode_uri('a b')"],
      ["encode_uri_component", "A text escaped for use in part of a URL.", "encode_uri_component('a&b')"],
      ["tourl", "A text as a URL.", "tourl('https://example.com')"],
    ],
  },
  {
    family: "Numbers",
    functions: [
      ["tonumber", "A text as a number (empty when it is not one).", "tonumber('12.5')"],
      ["round", "A number rounded to n decimal places.", "round(3.14159, 2)"],
      ["int", "The integer part of a number.", "int(3.7)"],
      ["trunc", "A number without its decimals.", "trunc(-3.7)"],
      ["ceil", "The smallest integer not below a number.", "ceil(3.2)"],
      ["floor", "The largest integer not above a number.", "floor(3.8)"],
      ["abs", "A number without its sign.", "abs(-4)"],
      ["sign", "-1, 0 or 1 by the sign of a number.", "sign(-4)"],
      ["mod", "The remainder of a division.", "mod(10, 3)"],
      ["power", "A number raised to a power.", "power(2, 10)"],
      ["sqrt", "The square root of a number.", "sqrt(16)"],
      ["ln", "The natural logarithm of a number.", "ln(10)"],
      ["log", "The logarithm of a number in a base.", "log(10, 1000)"],
      ["exp", "e raised to a number.", "exp(1)"],
      ["greatest", "The larger of two numbers.", "greatest(1, 2)"],
      ["least", "The smaller of two numbers.", "least(1, 2)"],
      ["even", "Whether a number is even.", "even(4)"],
      ["odd", "Whether a number is odd.", "odd(3)"],
      ["is_nan", "Whether a number is not a number (NaN).", "is_nan(field('Ratio'))"],
      ["when_nan", "A fallback when a number is NaN.", "when_nan(field('Ratio'), 0)"],
    ],
  },
  {
    family: "Operators",
    functions: [
      ["add", "a + b: adds numbers (or durations and dates).", "1 + 2"],
      ["minus", "a - b: subtracts.", "10 - 4"],
      ["multiply", "a * b: multiplies.", "3 * 4"],
      ["divide", "a / b: divides.", "10 / 4"],
      ["equal", "a = b: whether two values are equal.", "field('Status') = 'Done'"],
      ["not_equal", "a != b: whether two values differ.", "1 != 2"],
      ["greater_than", "a > b.", "field('Stock') > 10"],
      ["greater_than_or_equal", "a >= b.", "field('Stock') >= 10"],
      ["less_than", "a < b.", "field('Stock') < 10"],
      ["less_than_or_equal", "a <= b.", "field('Stock') <= 10"],
    ],
  },
  {
    family: "Logic",
    functions: [
      ["if", "One value when a condition holds, another otherwise.", "if(field('Paid'), 'Yes', 'No')"],
      ["and", "Whether both conditions hold (also &&).", "and(true, false)"],
      ["or", "Whether either condition holds (also ||).", "or(true, false)"],
      ["not", "The opposite of a condition.", "not(field('Done'))"],
      ["isblank", "Whether a value is empty.", "isblank(field('Notes'))"],
      ["is_null", "Whether a value is null.", "is_null(field('Due'))"],
      ["when_empty", "A fallback when a value is empty.", "when_empty(field('Name'), 'unnamed')"],
    ],
  },
  {
    family: "Dates and durations",
    functions: [
      ["now", "The current date and time.", "now()"],
      ["today", "The current date.", "today()"],
      ["todate", "A text as a date, read with a format.", "todate('20240131', 'YYYYMMDD')"],
      ["todate_tz", "A text as a date and time in a time zone.", "todate_tz('2024-01-31 10:00', 'YYYY-MM-DD HH24:MI', 'Europe/Paris')"],
      ["datetime_format", "A date as text in a format.", "datetime_format(field('Due'), 'YYYY')"],
      ["datetime_format_tz", "A date as text in a format and time zone.", "datetime_format_tz(now(), 'HH24:MI', 'Asia/Tokyo')"],
      ["day", "The day of the month of a date.", "day(today())"],
      ["month", "The month of a date.", "month(today())"],
      ["year", "The year of a date.", "year(today())"],
      ["second", "The seconds of a date and time.", "second(now())"],
      ["date_diff", "The difference between two dates in a unit.", "date_diff('dd', field('Start'), field('End'))"],
      ["date_interval", "A text as a duration.", "date_interval('1 day')"],
      ["toduration", "A number of seconds as a duration.", "toduration(3600)"],
      ["toseconds", "A duration as a number of seconds.", "toseconds(field('Time'))"],
    ],
  },
  {
    family: "Lookups and aggregates",
    functions: [
      ["sum", "The sum of looked-up numbers.", "sum(lookup('Orders', 'Total'))"],
      ["avg", "The average of looked-up numbers.", "avg(lookup('Orders', 'Total'))"],
      ["min", "The smallest looked-up value.", "min(lookup('Orders', 'Total'))"],
      ["max", "The largest looked-up value.", "max(lookup('Orders', 'Total'))"],
      ["count", "How many values were looked up.", "count(field('Orders'))"],
      ["join", "Looked-up texts joined by a delimiter.", "join(lookup('Tags', 'Name'), ', ')"],
      ["any", "Whether any looked-up condition holds.", "any(lookup('Tasks', 'Done'))"],
      ["every", "Whether every looked-up condition holds.", "every(lookup('Tasks', 'Done'))"],
      ["filter", "The looked-up values whose condition holds.", "sum(filter(lookup('Orders', 'Total'), lookup('Orders', 'Paid')))"],
      ["stddev_pop", "The population standard deviation of looked-up numbers.", "stddev_pop(lookup('Scores', 'Value'))"],
      ["stddev_sample", "The sample standard deviation of looked-up numbers.", "stddev_sample(lookup('Scores', 'Value'))"],
      ["variance_pop", "The population variance of looked-up numbers.", "variance_pop(lookup('Scores', 'Value'))"],
      ["variance_sample", "The sample variance of looked-up numbers.", "variance_sample(lookup('Scores', 'Value'))"],
    ],
  },
  {
    family: "Select options",
    functions: [
      ["get_single_select_value", "The text of a single select's option.", "get_single_select_value(field('Status'))"],
      ["has_option", "Whether a select holds an option.", "has_option(field('Tags'), 'urgent')"],
      ["multiple_select_count", "How many options a multiple select holds.", "multiple_select_count(field('Tags'))"],
    ],
  },
  {
    family: "Links and buttons",
    functions: [
      ["link", "A clickable link (URL, optional label).", "link('https://example.com')"],
      ["button", "A button opening a URL, with a label.", "button('https://example.com', 'Open')"],
      ["get_link_url", "The URL of a link or button.", "get_link_url(field('Site'))"],
      ["get_link_label", "The label of a link or button.", "get_link_label(field('Site'))"],
    ],
  },
];

/** Operators are written as symbols, not called by name. */
const OPERATORS = new Set(["add", "minus", "multiply", "divide", "equal", "not_equal", "greater_than", "greater_than_or_equal", "less_than", "less_than_or_equal"]);

/** Whether `name` is inserted as a call (`name()`) rather than typed as a symbol. */
export function isCallable(name) {
  return !OPERATORS.has(name);
}
