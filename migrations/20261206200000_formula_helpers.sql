-- Helper functions compiled formulas call where PostgreSQL would raise an error on bad
-- input (dates and intervals parsed from text, user regular expressions): each gives
-- NULL (or Baserow's #ERROR! for regexp_replace) instead.
CREATE OR REPLACE FUNCTION tessera_formula_to_date(value text, format text) RETURNS date AS $$
BEGIN RETURN to_date(value, format); EXCEPTION WHEN others THEN RETURN NULL; END;
$$ LANGUAGE plpgsql STABLE;
CREATE OR REPLACE FUNCTION tessera_formula_to_timestamp(value text, format text, zone text)
RETURNS timestamptz AS $$
BEGIN RETURN to_timestamp(value, format)::timestamp AT TIME ZONE zone;
EXCEPTION WHEN others THEN RETURN NULL; END;
$$ LANGUAGE plpgsql STABLE;
CREATE OR REPLACE FUNCTION tessera_formula_to_interval(value text) RETURNS interval AS $$
BEGIN RETURN value::interval; EXCEPTION WHEN others THEN RETURN NULL; END;
$$ LANGUAGE plpgsql STABLE;
CREATE OR REPLACE FUNCTION tessera_formula_regexp_replace(value text, pattern text, replacement text)
RETURNS text AS $$
BEGIN RETURN regexp_replace(value, pattern, replacement, 'g');
EXCEPTION WHEN others THEN RETURN '#ERROR!'; END;
$$ LANGUAGE plpgsql IMMUTABLE;
