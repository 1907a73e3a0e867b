//! The export formats, one file each.

pub mod csv;
pub mod excel;
pub mod json;
pub mod xml;
