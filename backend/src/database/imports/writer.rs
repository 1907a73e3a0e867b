//! Writes imported rows into a table with `COPY … FROM STDIN`, a chunk at a time: every
//! cell goes through its field type's parser first, rows with refused cells are skipped
//! and reported, and a new table gains a text field whenever a wider row arrives (or
//! fields of the types a source asks for, when it knows its columns' types).

use super::{formats::Parsed, headers::FieldNames, report::Report, sources::FieldPlan};
use crate::{
    context::AppContext,
    database::{
        fields::{self, CellValue, Field, FieldSpec, FieldType, Storage, registry::field_types},
        tables::table_name,
    },
};
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, PgConnection};
use std::io::Write;

/// Bytes of `COPY` data sent per statement.
const CHUNK_BYTES: usize = 4 << 20;

/// Whether rows go into a table made for them or one that exists.
pub enum Mode {
    /// Every column becomes a text field, named by the header (or `Field <n>`).
    New(FieldNames),
    /// Columns are matched to existing fields by header name, or by position.
    Append,
}

/// A field that owns a writable column: where its value goes in each `COPY` line.
struct Target {
    field: usize,
    default: CellValue,
}

pub struct RowWriter {
    table_id: i64,
    user_id: i64,
    mode: Mode,
    fields: Vec<Field>,
    types: Vec<&'static dyn FieldType>,
    targets: Vec<Target>,
    /// File column → field index (`None`: the column is ignored).
    mapping: Vec<Option<usize>>,
    next_order: u128,
    buffer: Vec<u8>,
    /// Parsed cells of the current row, by field index (reused between rows).
    cells: Vec<Option<CellValue>>,
    row_index: u64,
    pub report: Report,
}

impl RowWriter {
    pub async fn new(
        conn: &mut PgConnection,
        table_id: i64,
        user_id: i64,
        mode: Mode,
        report: Report,
    ) -> anyhow::Result<Self> {
        let next_order: String = crate::database::rows::order::next_order(conn, table_id).await?;
        let mut writer = Self {
            table_id,
            user_id,
            mode,
            fields: Vec::new(),
            types: Vec::new(),
            targets: Vec::new(),
            mapping: Vec::new(),
            next_order: next_order.parse().unwrap_or(1),
            buffer: Vec::with_capacity(CHUNK_BYTES + 64 * 1024),
            cells: Vec::new(),
            row_index: 0,
            report,
        };
        writer.reload_fields(conn).await?;
        if matches!(writer.mode, Mode::Append) {
            writer.mapping = writer.targets.iter().map(|t| Some(t.field)).collect();
        }
        Ok(writer)
    }

    async fn reload_fields(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        self.fields = fields::repo::list(conn, self.table_id).await?;
        self.types = self
            .fields
            .iter()
            .map(|f| {
                field_types()
                    .get(&f.kind)
                    .ok_or_else(|| anyhow::anyhow!("The field type {} is unknown.", f.kind))
            })
            .collect::<anyhow::Result<_>>()?;
        self.targets = self
            .fields
            .iter()
            .zip(&self.types)
            .enumerate()
            .filter(|(_, (f, ft))| {
                !ft.is_read_only() && matches!(ft.storage(f), Storage::Column { .. })
            })
            .map(|(i, (f, ft))| Target {
                field: i,
                default: ft.default_value(f),
            })
            .collect();
        self.cells = vec![None; self.fields.len()];
        // Collaborator cells are checked against the members loaded with the fields; a
        // removal waits for the import to commit, then takes the member out of its rows.
        let members: Vec<i64> = self
            .fields
            .iter()
            .flat_map(|f| f.collaborators.iter().map(|c| c.id))
            .collect();
        if !members.is_empty() {
            crate::database::collaborators::lock_members(conn, self.table_id, &members).await?;
        }
        Ok(())
    }

    pub fn field_count(&self) -> usize {
        self.fields.len()
    }

    pub async fn write(
        &mut self,
        ctx: &AppContext,
        conn: &mut PgConnection,
        piece: Parsed,
    ) -> anyhow::Result<()> {
        match piece {
            Parsed::Columns(names) => self.columns(ctx, conn, names).await,
            Parsed::Row(cells) => {
                if let Mode::New(_) = self.mode
                    && cells.len() > self.fields.len()
                {
                    let plans = vec![text_column(None); cells.len() - self.fields.len()];
                    self.add_fields(ctx, conn, plans).await?;
                }
                self.row(cells);
                if self.buffer.len() >= CHUNK_BYTES {
                    self.flush(conn).await?;
                }
                Ok(())
            }
        }
    }

    /// Column names from the header or the file's keys: new fields for a new table, a
    /// name-to-field mapping for an existing one.
    async fn columns(
        &mut self,
        ctx: &AppContext,
        conn: &mut PgConnection,
        names: Vec<String>,
    ) -> anyhow::Result<()> {
        match self.mode {
            Mode::New(_) => {
                let known = self.mapping.len();
                if names.len() > known {
                    let fresh = names[known..]
                        .iter()
                        .map(|n| text_column(Some(n.clone())))
                        .collect();
                    self.add_fields(ctx, conn, fresh).await?;
                }
            }
            Mode::Append => {
                self.mapping = names.iter().map(|n| self.match_field(n)).collect();
                self.report.ignored_columns = names
                    .iter()
                    .zip(&self.mapping)
                    .filter(|(_, m)| m.is_none())
                    .map(|(n, _)| n.clone())
                    .collect();
            }
        }
        Ok(())
    }

    /// Typed columns from a source that knows them: fields of those types for a new table,
    /// a name-to-field mapping for an existing one (whose types stay as they are).
    pub async fn fields(
        &mut self,
        ctx: &AppContext,
        conn: &mut PgConnection,
        plans: Vec<FieldPlan>,
    ) -> anyhow::Result<()> {
        match self.mode {
            Mode::New(_) => {
                let fresh = plans
                    .into_iter()
                    .skip(self.mapping.len())
                    .map(|p| (Some(p.name), p.kind, p.options))
                    .collect();
                self.add_fields(ctx, conn, fresh).await
            }
            Mode::Append => {
                let names = plans.into_iter().map(|p| p.name).collect();
                self.columns(ctx, conn, names).await
            }
        }
    }

    /// The writable field a column name means: same name, else same name ignoring case.
    fn match_field(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        let writable = |i: &usize| self.targets.iter().any(|t| t.field == *i);
        let by = |same: &dyn Fn(&str) -> bool| {
            (0..self.fields.len()).find(|i| writable(i) && same(&self.fields[*i].name))
        };
        by(&|n| n == name).or_else(|| by(&|n| n.to_lowercase() == name.to_lowercase()))
    }

    /// Adds fields to a new table; positions continue after the existing ones.
    async fn add_fields(
        &mut self,
        ctx: &AppContext,
        conn: &mut PgConnection,
        raw: Vec<NewColumn>,
    ) -> anyhow::Result<()> {
        let start = self.mapping.len();
        let names: Vec<String> = match &mut self.mode {
            Mode::New(field_names) => raw
                .iter()
                .enumerate()
                .map(|(k, (raw, _, _))| field_names.make(raw.as_deref(), start + k + 1))
                .collect(),
            Mode::Append => return Ok(()),
        };
        if start + names.len() > ctx.settings.max_fields_per_table {
            anyhow::bail!(
                "The file has more than {} columns, the most a table may have.",
                ctx.settings.max_fields_per_table
            );
        }
        // Rows already buffered were built for the current columns.
        self.flush(conn).await?;
        for (k, (name, (_, kind, options))) in names.iter().zip(&raw).enumerate() {
            fields::create_in_tx(
                ctx,
                conn,
                self.table_id,
                FieldSpec {
                    name,
                    kind,
                    primary: start + k == 0,
                    body: options,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("The field {name:?} could not be created: {e}"))?;
            self.mapping.push(Some(start + k));
        }
        self.drop_field_indexes(conn).await?;
        self.reload_fields(conn).await
    }

    /// Parses one row into the buffer, or reports it.
    fn row(&mut self, cells: Vec<Option<String>>) {
        let index = self.row_index;
        self.row_index += 1;
        let mut errors = Map::new();
        for slot in self.cells.iter_mut() {
            *slot = None;
        }
        for (column, cell) in cells.into_iter().enumerate() {
            let Some(Some(fi)) = self.mapping.get(column) else {
                continue;
            };
            let (ft, field) = (self.types[*fi], &self.fields[*fi]);
            let parsed = match &cell {
                Some(text) => ft.parse_text_cell(field, text),
                None => ft.parse_cell(field, &Value::Null),
            };
            match parsed {
                Ok(parsed) => self.cells[*fi] = Some(parsed),
                Err(message) => {
                    errors.insert(
                        self.fields[*fi].column(),
                        json!([{ "error": message, "code": "invalid" }]),
                    );
                }
            }
        }
        if !errors.is_empty() {
            self.report.fail(index, errors);
            return;
        }
        let order = self.next_order;
        self.next_order += 1;
        let _ = write!(self.buffer, "{order}\t{}\t{}", self.user_id, self.user_id);
        for target in &self.targets {
            self.buffer.push(b'\t');
            match &self.cells[target.field] {
                Some(cell) => push_cell(&mut self.buffer, cell),
                None => push_cell(&mut self.buffer, &target.default),
            }
        }
        self.buffer.push(b'\n');
        self.report.imported_row_count += 1;
    }

    /// Sends the buffered rows in one `COPY`.
    pub async fn flush(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let mut columns = String::from("\"order\", created_by, last_modified_by");
        for target in &self.targets {
            columns.push_str(", ");
            columns.push_str(&self.fields[target.field].column());
        }
        let statement = format!("COPY {} ({columns}) FROM STDIN", table_name(self.table_id));
        let mut copy = conn.copy_in_raw(&statement).await?;
        copy.send(self.buffer.as_slice()).await?;
        copy.finish().await?;
        self.buffer.clear();
        Ok(())
    }

    /// Drops the new table's indexes but the key and the order index: they are built once
    /// the rows are in (see `indexes`), far cheaper than updating them row by row.
    async fn drop_field_indexes(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        let table = table_name(self.table_id);
        let found: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary AND c.relname <> $2",
        )
        .bind(&table)
        .bind(format!("{table}_order"))
        .fetch_all(&mut *conn)
        .await?;
        for name in found {
            // Names come from PostgreSQL and are made of the table and field ids.
            sqlx::query(AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Writes the rows still buffered, then computes the table's formulas: one pass over
    /// the table, cheaper than recomputing after every `COPY` (nothing happens for a
    /// table without formulas).
    pub async fn finish(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        self.flush(conn).await?;
        crate::database::computed::recompute(conn, self.table_id, &self.fields, None).await?;
        Ok(())
    }
}

/// A field to add: the column's name (if it has one), field type and options.
type NewColumn = (Option<String>, &'static str, Map<String, Value>);

fn text_column(name: Option<String>) -> NewColumn {
    (name, "text", Map::new())
}

/// One value in `COPY`'s text format.
fn push_cell(buffer: &mut Vec<u8>, cell: &CellValue) {
    match cell {
        CellValue::Null => buffer.extend_from_slice(b"\\N"),
        CellValue::Text(s) => push_text(buffer, s),
        CellValue::Bool(b) => buffer.push(if *b { b't' } else { b'f' }),
        CellValue::Int(n) => {
            let _ = write!(buffer, "{n}");
        }
        CellValue::Float(f) if f.is_finite() => {
            let _ = write!(buffer, "{f}");
        }
        // Links live in relation tables, never in a copied column; imports name no
        // uploaded files, so file cells stay empty. A password would need an argon2 hash
        // per cell (a fifth of a second each), which an import of many rows cannot
        // afford: imported passwords stay empty (never the password as written).
        CellValue::Float(_)
        | CellValue::Links(_)
        | CellValue::Files(_)
        | CellValue::Password(_)
        | CellValue::Keep => buffer.extend_from_slice(b"\\N"),
        CellValue::Json(value) => push_text(buffer, &value.to_string()),
        CellValue::Ids(ids) | CellValue::Collaborators(ids) => {
            buffer.push(b'{');
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    buffer.push(b',');
                }
                let _ = write!(buffer, "{id}");
            }
            buffer.push(b'}');
        }
    }
}

/// Text with `COPY`'s escapes: backslash, tab, newline and carriage return.
fn push_text(buffer: &mut Vec<u8>, s: &str) {
    let special = |b: &u8| matches!(b, b'\\' | b'\t' | b'\n' | b'\r');
    if !s.as_bytes().iter().any(special) {
        buffer.extend_from_slice(s.as_bytes());
        return;
    }
    for &b in s.as_bytes() {
        match b {
            b'\\' => buffer.extend_from_slice(b"\\\\"),
            b'\t' => buffer.extend_from_slice(b"\\t"),
            b'\n' => buffer.extend_from_slice(b"\\n"),
            b'\r' => buffer.extend_from_slice(b"\\r"),
            other => buffer.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut buffer = Vec::new();
        push_text(&mut buffer, "a\\b\tc\nd\re \\N");
        assert_eq!(buffer, b"a\\\\b\\tc\\nd\\re \\\\N");
        let mut buffer = Vec::new();
        for cell in [
            CellValue::Null,
            CellValue::Bool(true),
            CellValue::Int(-3),
            CellValue::Float(1.5),
            CellValue::Float(f64::NAN),
            CellValue::Ids(vec![1, 2]),
        ] {
            push_cell(&mut buffer, &cell);
            buffer.push(b'|');
        }
        assert_eq!(buffer, b"\\N|t|-3|1.5|\\N|{1,2}|");
    }
}
