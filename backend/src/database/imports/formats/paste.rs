//! `paste`: cells copied from a spreadsheet and sent as text (`data`): tab-separated rows,
//! where spreadsheets quote cells that hold tabs or line breaks.

use super::{Delimiter, Emit, ImportFormat, ParseError, ReadOptions, csv::read_delimited};
use std::io::BufRead;

pub struct PasteFormat;

impl ImportFormat for PasteFormat {
    fn name(&self) -> &'static str {
        "paste"
    }

    fn delimiter(&self) -> Delimiter {
        Delimiter::Default(b'\t')
    }

    fn read(
        &self,
        input: &mut dyn BufRead,
        options: ReadOptions,
        emit: Emit<'_>,
    ) -> Result<(), ParseError> {
        read_delimited(input, options.delimiter, emit)
    }
}
