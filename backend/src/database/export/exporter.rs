//! The exporter kind: one file format each (`formats/`), listed in [`super::registry`].
//! A format writes rows it is handed chunk by chunk, so memory stays flat whatever the
//! table's size; writers run on a blocking thread and write straight to the file.

use super::{ExportParams, charset::Charset};
use crate::{
    database::fields::{Field, FieldType},
    platform::validation::ValidationError,
};
use serde_json::Value;
use std::{fs::File, io, io::BufWriter, sync::Arc};

/// One exported column after `id`: a field and its type.
pub struct Column {
    pub field: Field,
    pub field_type: &'static dyn FieldType,
}

impl Column {
    pub fn name(&self) -> &str {
        &self.field.name
    }

    /// The value as plain text (CSV, Excel), as the field type writes it.
    pub fn text(&self, value: &Value) -> String {
        self.field_type.to_text(&self.field, value)
    }
}

/// One row: its id and its values (as the API shows them), one per column.
pub struct ExportRow {
    pub id: i64,
    pub values: Vec<Value>,
}

/// What every writer is opened with.
pub struct WriterSetup {
    /// The table's name (a sheet's name, for example).
    pub title: String,
    pub columns: Arc<[Column]>,
    pub charset: Charset,
    pub params: ExportParams,
}

pub trait Exporter: Send + Sync {
    /// The `exporter_type` on the wire.
    fn name(&self) -> &'static str;
    /// The file's extension, without the dot.
    fn extension(&self) -> &'static str;
    /// The `Content-Type` the file is downloaded with.
    fn content_type(&self, charset: Charset) -> String;
    /// Checks this format's own options (separators and the like).
    fn check(&self, params: &ExportParams, errors: &mut ValidationError) {
        let _ = (params, errors);
    }
    /// Starts a file: writes what comes before the rows and returns the writer for them.
    fn open(&self, out: BufWriter<File>, setup: WriterSetup) -> io::Result<Box<dyn RowWriter>>;
}

/// Writes rows into an open file, then closes it off.
pub trait RowWriter: Send {
    fn write_rows(&mut self, rows: &[ExportRow]) -> io::Result<()>;
    /// Writes what comes after the rows and flushes the file.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Data a format cannot hold (too many rows for a sheet, say): the job fails with this
/// message, which tells the user what to do instead.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FormatLimit(pub String);
