//! Images: recognised by their content (never by name or the client's word), measured,
//! and given Baserow's three thumbnails. Decoding is bounded, so a small file that claims
//! to be a huge image cannot take the server's memory.

use image::{DynamicImage, ImageFormat, ImageReader, Limits, imageops::FilterType};
use std::{io::Cursor, path::Path};

/// One thumbnail size; `width: None` keeps the aspect ratio at the given height.
pub struct Size {
    pub name: &'static str,
    pub width: Option<u32>,
    pub height: u32,
}

/// Baserow's sizes: `tiny` (21 high) for cells, `small` for lists, `card_cover` for cards.
pub const SIZES: &[Size] = &[
    Size {
        name: "tiny",
        width: None,
        height: 21,
    },
    Size {
        name: "small",
        width: Some(48),
        height: 48,
    },
    Size {
        name: "card_cover",
        width: Some(300),
        height: 160,
    },
];

/// Pixels and memory an image may need to be decoded (a 10,000 × 10,000 photo).
const MAX_DIMENSION: u32 = 10_000;
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Formats we show inline and thumbnail; anything else (SVG included) is an attachment.
pub fn format_of(head: &[u8]) -> Option<ImageFormat> {
    match image::guess_format(head).ok()? {
        f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP) => {
            Some(f)
        }
        _ => None,
    }
}

pub fn mime_type(format: ImageFormat) -> &'static str {
    format.to_mime_type()
}

pub fn extension(format: ImageFormat) -> &'static str {
    format.extensions_str().first().copied().unwrap_or("img")
}

/// A decoded image with its size, or `None` when the data is not a readable image.
pub fn decode(bytes: &[u8], format: ImageFormat) -> Option<DynamicImage> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode().ok()
}

/// Writes every thumbnail of `image` as `<dir>/<size>/<name>`, in the image's own format.
pub fn write_all(
    image: &DynamicImage,
    format: ImageFormat,
    dir: &Path,
    name: &str,
) -> std::io::Result<()> {
    for size in SIZES {
        let (width, height) = target(size, image.width(), image.height());
        let thumbnail = image.resize_to_fill(width, height, FilterType::Lanczos3);
        let folder = dir.join(size.name);
        std::fs::create_dir_all(&folder)?;
        // JPEG has no alpha channel; the others keep theirs.
        let thumbnail = if format == ImageFormat::Jpeg {
            DynamicImage::ImageRgb8(thumbnail.to_rgb8())
        } else {
            thumbnail
        };
        thumbnail
            .save_with_format(folder.join(name), format)
            .map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// The pixel size of a thumbnail: fixed, or the given height at the image's aspect ratio.
fn target(size: &Size, width: u32, height: u32) -> (u32, u32) {
    let w = size.width.unwrap_or_else(|| {
        ((width as f64 / height.max(1) as f64) * size.height as f64)
            .round()
            .clamp(1.0, 4096.0) as u32
    });
    (w, size.height)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(width, height, Rgb([200, 30, 30]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn images_are_known_by_content_and_thumbnailed_at_baserows_sizes() {
        let bytes = png(420, 210);
        assert_eq!(format_of(&bytes), Some(ImageFormat::Png));
        assert_eq!(
            format_of(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
        assert_eq!(format_of(b"<html><script>alert(1)</script>"), None);
        let image = decode(&bytes, ImageFormat::Png).unwrap();
        let dir = std::env::temp_dir().join(format!("thumbs-{}", uuid::Uuid::new_v4()));
        write_all(&image, ImageFormat::Png, &dir, "a.png").unwrap();
        let tiny = image::open(dir.join("tiny/a.png")).unwrap();
        assert_eq!((tiny.width(), tiny.height()), (42, 21));
        let cover = image::open(dir.join("card_cover/a.png")).unwrap();
        assert_eq!((cover.width(), cover.height()), (300, 160));
        let small = image::open(dir.join("small/a.png")).unwrap();
        assert_eq!((small.width(), small.height()), (48, 48));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn truncated_or_oversized_images_are_not_decoded() {
        let bytes = png(40, 40);
        assert!(decode(&bytes[..bytes.len() / 2], ImageFormat::Png).is_none());
        // A few kilobytes, but wider than any image we decode.
        let wide = png(MAX_DIMENSION + 1, 1);
        assert!(decode(&wide, ImageFormat::Png).is_none());
        assert!(decode(&png(MAX_DIMENSION, 1), ImageFormat::Png).is_some());
    }
}
