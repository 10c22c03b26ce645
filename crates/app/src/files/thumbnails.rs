//! Thumbnails of pictures: turned the way the camera held them, at most
//! [`THUMBNAIL_SIDE`](kefu_domain::file::THUMBNAIL_SIDE) pixels on the longest side; JPEG for
//! photos, PNG for pictures with transparency.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};
use kefu_domain::file::{DECODE_MAX_PIXELS, FileType, THUMBNAIL_SIDE};

/// The most memory one picture may take to decode: 8-bit RGBA at the pixel limit.
const DECODE_MAX_BYTES: u64 = DECODE_MAX_PIXELS * 4;

/// A thumbnail, and the picture's own size.
pub struct Thumbnail {
    /// The thumbnail's bytes (JPEG or PNG).
    pub bytes: Vec<u8>,
    /// The picture's width and height, upright.
    pub dimensions: (u32, u32),
}

fn format_of(kind: FileType) -> Option<ImageFormat> {
    match kind {
        FileType::Png => Some(ImageFormat::Png),
        FileType::Jpeg => Some(ImageFormat::Jpeg),
        FileType::Gif => Some(ImageFormat::Gif),
        FileType::Webp => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// The thumbnail of a picture, or why none can be made (not a picture, damaged, or more
/// than [`DECODE_MAX_PIXELS`] pixels: a decompression bomb is refused before it is decoded).
pub fn make(bytes: &[u8], kind: FileType) -> Result<Thumbnail, String> {
    let format = format_of(kind).ok_or("not a picture")?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_MAX_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > DECODE_MAX_PIXELS {
        return Err(format!("{width}×{height} pixels is too many to decode"));
    }
    // The decoded picture itself counts against the budget (16-bit colour doubles it).
    let mut budget = Limits::default();
    budget.max_alloc = Some(DECODE_MAX_BYTES);
    budget
        .reserve(decoder.total_bytes())
        .map_err(|e| e.to_string())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let picture = image::DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    // A picture already within the side keeps its size: a thumbnail never enlarges it.
    let mut small = if width <= THUMBNAIL_SIDE && height <= THUMBNAIL_SIDE {
        picture
    } else {
        let small = picture.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
        drop(picture);
        small
    };
    // Turned the way the camera was held: the thumbnail, not the whole picture.
    small.apply_orientation(orientation);
    use image::metadata::Orientation::{Rotate90, Rotate90FlipH, Rotate270, Rotate270FlipH};
    let dimensions = match orientation {
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH => (height, width),
        _ => (width, height),
    };
    let mut out = Cursor::new(Vec::new());
    if small.color().has_alpha() {
        small
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|e| e.to_string())?;
    } else {
        let rgb = image::DynamicImage::ImageRgb8(small.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        rgb.write_with_encoder(encoder).map_err(|e| e.to_string())?;
    }
    Ok(Thumbnail {
        bytes: out.into_inner(),
        dimensions,
    })
}

/// The media type of a thumbnail's bytes.
pub fn mime_of(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "image/jpeg"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let picture = if alpha {
            image::DynamicImage::ImageRgba8(image::RgbaImage::new(width, height))
        } else {
            image::DynamicImage::ImageRgb8(image::RgbImage::new(width, height))
        };
        let mut out = Cursor::new(Vec::new());
        picture
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|e| e.to_string())
            .unwrap_or_default();
        out.into_inner()
    }

    #[test]
    fn a_large_picture_gets_a_small_thumbnail() {
        let made = make(&png(1600, 1200, false), FileType::Png);
        let Ok(made) = made else {
            panic!("no thumbnail: {:?}", made.err());
        };
        assert_eq!(made.dimensions, (1600, 1200));
        assert_eq!(mime_of(&made.bytes), "image/jpeg");
        let thumb = image::load_from_memory(&made.bytes).map_err(|e| e.to_string());
        let Ok(thumb) = thumb else {
            panic!("unreadable thumbnail")
        };
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
    }

    #[test]
    fn a_small_picture_keeps_its_size() {
        let made = make(&png(60, 40, false), FileType::Png);
        let thumb = made.and_then(|m| image::load_from_memory(&m.bytes).map_err(|e| e.to_string()));
        assert!(thumb.is_ok_and(|t| (t.width(), t.height()) == (60, 40)));
    }

    #[test]
    fn transparency_is_kept_as_png() {
        let made = make(&png(40, 40, true), FileType::Png);
        assert!(made.is_ok_and(|m| mime_of(&m.bytes) == "image/png"));
    }

    #[test]
    fn damaged_pictures_and_bombs_get_none() {
        assert!(make(b"\x89PNG\r\n\x1a\nnot really", FileType::Png).is_err());
        // A PNG header claiming 100,000 × 100,000 pixels.
        let mut bomb = png(1, 1, false);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(make(&bomb, FileType::Png).is_err());
        assert!(make(b"%PDF-1.7", FileType::Pdf).is_err());
    }
}
