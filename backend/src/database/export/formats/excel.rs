//! Excel (`.xlsx`, beyond Baserow's free edition): one sheet, an optional header row, then
//! `id` and each value as text, formula-looking cells quoted with `'`.
//!
//! The workbook is written directly as OOXML parts into a zip with the `zip` crate (already
//! in the dependency tree) rather than through a spreadsheet library: the sheet streams
//! into one deflated zip entry row by row with inline strings, so memory stays flat for any
//! row count, and no new dependency tree comes along for a few fixed XML parts.

use crate::database::export::{
    cells::{spreadsheet_safe, xml_text},
    charset::Charset,
    exporter::{Column, ExportRow, Exporter, FormatLimit, RowWriter, WriterSetup},
};
use std::{
    fs::File,
    io::{self, BufWriter, Write},
    sync::Arc,
};
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

pub struct Excel;

/// Rows an Excel sheet holds, and characters a cell holds.
const MAX_ROWS: u64 = 1_048_576;
const MAX_CELL_CHARS: usize = 32_767;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;

const SHEET_END: &str = "</sheetData></worksheet>";

impl Exporter for Excel {
    fn name(&self) -> &'static str {
        "excel"
    }

    fn extension(&self) -> &'static str {
        "xlsx"
    }

    fn content_type(&self, _charset: Charset) -> String {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()
    }

    fn open(&self, out: BufWriter<File>, setup: WriterSetup) -> io::Result<Box<dyn RowWriter>> {
        let mut zip = ZipWriter::new(out);
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            sheet_name(&setup.title)
        );
        for (name, content) in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", workbook.as_str()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ] {
            zip.start_file(name, options).map_err(io::Error::other)?;
            zip.write_all(content.as_bytes())?;
        }
        // The sheet comes last: it stays open while rows stream in.
        zip.start_file("xl/worksheets/sheet1.xml", options)
            .map_err(io::Error::other)?;
        zip.write_all(SHEET_START.as_bytes())?;
        let mut writer = ExcelWriter {
            zip,
            columns: setup.columns,
            rows_written: 0,
            text: String::new(),
        };
        if setup.params.excel_include_header {
            let names: Vec<String> = std::iter::once("id".to_owned())
                .chain(writer.columns.iter().map(|c| c.name().to_owned()))
                .collect();
            writer.push_row(None, names.iter().map(String::as_str))?;
        }
        Ok(Box::new(writer))
    }
}

/// A valid sheet name from the table's: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_owned();
    let mut escaped = String::new();
    xml_text(
        if cleaned.is_empty() {
            "Export"
        } else {
            &cleaned
        },
        &mut escaped,
    );
    // It sits in an attribute.
    escaped.replace('"', "&quot;")
}

/// The column letters of a 0-based index: A … Z, AA, AB, ….
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|b| *b as char).collect()
}

struct ExcelWriter {
    zip: ZipWriter<BufWriter<File>>,
    columns: Arc<[Column]>,
    rows_written: u64,
    text: String,
}

impl ExcelWriter {
    /// Appends a row: the id as a number (when given), then every cell as text.
    fn push_row<'a>(
        &mut self,
        id: Option<i64>,
        cells: impl Iterator<Item = &'a str>,
    ) -> io::Result<()> {
        if self.rows_written >= MAX_ROWS {
            return Err(io::Error::other(FormatLimit(format!(
                "An Excel sheet holds at most {MAX_ROWS} rows; export this table as CSV instead."
            ))));
        }
        self.rows_written += 1;
        let r = self.rows_written;
        self.text.clear();
        self.text.push_str(&format!("<row r=\"{r}\">"));
        let mut column = 0;
        if let Some(id) = id {
            self.text
                .push_str(&format!("<c r=\"A{r}\"><v>{id}</v></c>"));
            column = 1;
        }
        for cell in cells {
            if !cell.is_empty() {
                let safe = spreadsheet_safe(cell);
                let cut: String = safe.chars().take(MAX_CELL_CHARS).collect();
                self.text.push_str(&format!(
                    "<c r=\"{}{r}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">",
                    column_letters(column)
                ));
                xml_text(&cut, &mut self.text);
                self.text.push_str("</t></is></c>");
            }
            column += 1;
        }
        self.text.push_str("</row>");
        self.zip.write_all(self.text.as_bytes())
    }
}

impl RowWriter for ExcelWriter {
    fn write_rows(&mut self, rows: &[ExportRow]) -> io::Result<()> {
        for row in rows {
            let texts: Vec<String> = self
                .columns
                .iter()
                .zip(&row.values)
                .map(|(column, value)| column.text(value))
                .collect();
            self.push_row(Some(row.id), texts.iter().map(String::as_str))?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.zip.write_all(SHEET_END.as_bytes())?;
        let mut out = self.zip.finish().map_err(io::Error::other)?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        assert_eq!(sheet_name("Q1: sales/costs"), "Q1 salescosts");
        assert_eq!(sheet_name("[]"), "Export");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name("A & \"B\""), "A &amp; &quot;B&quot;");
    }
}
