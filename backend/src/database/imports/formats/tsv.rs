//! `tsv`: tab-separated values, quoted like CSV.

use super::{Delimiter, Emit, ImportFormat, ParseError, ReadOptions, csv::read_delimited};
use std::io::BufRead;

pub struct TsvFormat;

impl ImportFormat for TsvFormat {
    fn name(&self) -> &'static str {
        "tsv"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["tsv", "tab"]
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
