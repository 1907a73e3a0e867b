//! A file as an import source: the encoding, format and delimiter are detected from its
//! start unless the request names them, then it is decoded to UTF-8 and parsed as a
//! stream on a blocking thread, one batch of rows at a time.

use super::{BATCH_ROWS, ImportSource, Message, Progress};
use crate::database::imports::{
    encoding::{self, SAMPLE_BYTES, Utf8Reader},
    formats::{self, Delimiter, ImportFormat, ParseError, Parsed, ReadOptions},
};
use encoding_rs::Encoding;
use serde_json::{Map, json};
use std::{
    cell::Cell,
    fs::File,
    io::{self, BufReader, Read},
    path::PathBuf,
    rc::Rc,
};
use tokio::sync::mpsc;

/// Largest single row, in decoded bytes: a file that is one enormous cell or a list with
/// one enormous item is refused instead of being read into memory.
pub const MAX_ROW_BYTES: u64 = 64 << 20;

pub struct FileSource {
    pub path: PathBuf,
    pub name: String,
    pub format: Option<&'static dyn ImportFormat>,
    pub encoding: Option<&'static Encoding>,
    pub delimiter: Option<u8>,
    pub first_row_header: bool,
    pub max_columns: usize,
}

impl ImportSource for FileSource {
    fn read(self: Box<Self>, out: &mpsc::Sender<Message>, progress: &Progress) {
        if let Err(e) = self.read_into(out, progress) {
            let _ = out.blocking_send(Message::Failed(e.0));
        }
    }
}

impl FileSource {
    fn read_into(
        &self,
        out: &mpsc::Sender<Message>,
        progress: &Progress,
    ) -> Result<(), ParseError> {
        let unreadable =
            |e: io::Error| ParseError(format!("The uploaded file could not be read: {e}"));
        let mut file = File::open(&self.path).map_err(unreadable)?;
        let size = file.metadata().map_err(unreadable)?.len();
        let mut sample = Vec::with_capacity(SAMPLE_BYTES.min(size as usize));
        (&mut file)
            .take(SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(unreadable)?;
        let complete = sample.len() as u64 == size;
        let encoding = self
            .encoding
            .unwrap_or_else(|| encoding::detect(&sample, complete));
        let text = sample_text(&sample, encoding);
        let format = self
            .format
            .or_else(|| formats::for_file_name(&self.name))
            .unwrap_or_else(|| formats::for_content(&text));
        let delimiter = match (self.delimiter, format.delimiter()) {
            (_, Delimiter::None) => None,
            (Some(d), _) => Some(d),
            (None, Delimiter::Default(d)) => Some(d),
            (None, Delimiter::Detect) => Some(formats::csv_delimiter(&text, complete)),
        };
        let mut detected = Map::new();
        detected.insert("format".into(), json!(format.name()));
        detected.insert("encoding".into(), json!(encoding.name()));
        detected.insert("delimiter".into(), json!(delimiter.map(char::from)));
        send(out, Message::Detected(detected))?;

        // Back to the start, counting the bytes read for progress.
        let file = File::open(&self.path).map_err(unreadable)?;
        let counted = Counted {
            inner: file,
            read: 0,
            size: size.max(1),
            progress: progress.clone(),
        };
        let since_row = Rc::new(Cell::new(0u64));
        let guarded = RowSizeGuard {
            inner: Utf8Reader::new(counted, encoding),
            since_row: since_row.clone(),
        };
        let mut input = BufReader::with_capacity(256 * 1024, guarded);
        let options = ReadOptions {
            delimiter: delimiter.unwrap_or(b','),
            max_columns: self.max_columns,
        };
        let mut batch: Vec<Parsed> = Vec::with_capacity(BATCH_ROWS);
        let mut rows_in_batch = 0;
        let mut header_pending = self.first_row_header;
        format.read(&mut input, options, &mut |piece| {
            since_row.set(0);
            let piece = match piece {
                // A header row names the columns, for formats that do not name them.
                Parsed::Row(cells) if header_pending => {
                    Parsed::Columns(cells.into_iter().map(Option::unwrap_or_default).collect())
                }
                other => other,
            };
            header_pending = false;
            rows_in_batch += usize::from(matches!(piece, Parsed::Row(_)));
            batch.push(piece);
            if rows_in_batch >= BATCH_ROWS {
                rows_in_batch = 0;
                send(out, Message::Pieces(std::mem::take(&mut batch)))?;
            }
            Ok(())
        })?;
        if !batch.is_empty() {
            send(out, Message::Pieces(batch))?;
        }
        progress.set_permille(1000);
        Ok(())
    }
}

fn send(out: &mpsc::Sender<Message>, message: Message) -> Result<(), ParseError> {
    out.blocking_send(message)
        .map_err(|_| ParseError("The import stopped.".into()))
}

/// The sample as text, for guessing the format and delimiter.
fn sample_text(sample: &[u8], encoding: &'static Encoding) -> String {
    let (text, _) = encoding.decode_with_bom_removal(sample);
    text.into_owned()
}

/// Counts bytes read from the file to report progress.
struct Counted {
    inner: File,
    read: u64,
    size: u64,
    progress: Progress,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.progress.set_permille(self.read * 1000 / self.size);
        Ok(n)
    }
}

/// Fails the read when one row grows past [`MAX_ROW_BYTES`]; the parser resets the count
/// at every row it completes.
struct RowSizeGuard<R> {
    inner: R,
    since_row: Rc<Cell<u64>>,
}

impl<R: Read> Read for RowSizeGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.since_row.get() + n as u64;
        if total > MAX_ROW_BYTES {
            return Err(io::Error::other(format!(
                "A single row is larger than {} MB.",
                MAX_ROW_BYTES >> 20
            )));
        }
        self.since_row.set(total);
        Ok(n)
    }
}
