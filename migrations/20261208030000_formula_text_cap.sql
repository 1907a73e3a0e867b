-- Text functions that can multiply a value's length give Baserow's #ERROR! instead of a
-- result past a cap (compiled formulas pass it, in bytes) that is longer than their input.
-- Without it a short formula of nested replacements grows a row's value exponentially: 16
-- nested `replace(…, 'a', 'aaaa')` ask PostgreSQL for a gigabyte per row. Each bound is
-- worked out from the inputs' lengths before the result is built.
CREATE OR REPLACE FUNCTION tessera_formula_replace(value text, old text, new text, cap bigint)
RETURNS text AS $$
DECLARE grown bigint;
BEGIN
  IF octet_length(new) > octet_length(old) AND old <> '' THEN
    -- Occurrences of `old`, each growing by the difference in length.
    grown := octet_length(value)::bigint
      + (octet_length(value) - octet_length(replace(value, old, '')))::bigint
        / octet_length(old) * (octet_length(new) - octet_length(old));
    IF grown > cap THEN RETURN '#ERROR!'; END IF;
  END IF;
  RETURN replace(value, old, new);
END;
$$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;

-- Matches do not overlap, so each back-reference (`\1`, `\&`) adds at most the value's
-- length over all matches; every other replacement character adds one per match.
CREATE OR REPLACE FUNCTION tessera_formula_regexp_replace(
  value text, pattern text, replacement text, cap bigint)
RETURNS text AS $$
DECLARE bound bigint;
BEGIN
  bound := octet_length(value)::bigint
    + regexp_count(value, pattern)::bigint * octet_length(replacement)
    + (octet_length(replacement) - octet_length(replace(replacement, '\', '')))::bigint
      * octet_length(value);
  IF bound > cap AND bound > octet_length(value) THEN RETURN '#ERROR!'; END IF;
  RETURN regexp_replace(value, pattern, replacement, 'g');
EXCEPTION WHEN others THEN RETURN '#ERROR!'; END;
$$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;
