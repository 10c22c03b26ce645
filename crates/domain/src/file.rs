//! Files sent in chats: what they are (read from their bytes, never from their name or the
//! type a browser claims), how big they may be, and the names they are shown and saved under.

use crate::DomainError;

/// The largest file a chat takes by default: 10 MiB, a phone photo with room to spare.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The longest file name kept, in characters.
pub const NAME_MAX: usize = 120;
/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
/// The most pixels an image may have for Kefu to decode it (a thumbnail is not made for
/// larger ones; the file itself is still kept).
pub const DECODE_MAX_PIXELS: u64 = 40_000_000;

/// The kinds of file a chat takes, recognised by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// A PNG image.
    Png,
    /// A JPEG photo.
    Jpeg,
    /// A GIF image.
    Gif,
    /// A WebP image.
    Webp,
    /// A PDF document.
    Pdf,
    /// A ZIP archive (also Word, Excel and PowerPoint files).
    Zip,
    /// Plain text (UTF-8 without control characters other than tabs and line breaks).
    Text,
}

impl FileType {
    /// What `bytes` are, or `None` for anything Kefu does not take (executables, HTML, SVG,
    /// unknown binaries).
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        let starts = |magic: &[u8]| bytes.starts_with(magic);
        if starts(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if starts(b"\xff\xd8\xff") {
            Some(Self::Jpeg)
        } else if starts(b"GIF87a") || starts(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if starts(b"%PDF-") {
            Some(Self::Pdf)
        } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
            Some(Self::Zip)
        } else if is_plain_text(bytes) {
            Some(Self::Text)
        } else {
            None
        }
    }

    /// The media type it is served as.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
            Self::Zip => "application/zip",
            Self::Text => "text/plain; charset=utf-8",
        }
    }

    /// The type a stored media type stands for.
    pub fn from_mime(mime: &str) -> Option<Self> {
        [
            Self::Png,
            Self::Jpeg,
            Self::Gif,
            Self::Webp,
            Self::Pdf,
            Self::Zip,
            Self::Text,
        ]
        .into_iter()
        .find(|t| t.mime() == mime)
    }

    /// Whether it is a picture (shown inline, with a thumbnail).
    pub fn is_image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Gif | Self::Webp)
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
            Self::Zip => "zip",
            Self::Text => "txt",
        }
    }
}

/// Whether `bytes` are text a person wrote: valid UTF-8 with no control characters other
/// than tabs, line breaks and form feeds, and not empty.
fn is_plain_text(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok_and(|text| {
            text.chars()
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        })
}

/// Refuses an empty file or one over `max` bytes.
pub fn check_size(size: u64, max: u64) -> Result<(), DomainError> {
    if size == 0 {
        return Err(DomainError::InvalidFile("the file is empty".into()));
    }
    if size > max {
        return Err(DomainError::FileTooLarge { max });
    }
    Ok(())
}

/// The name a file is shown and saved under: the last part of what the browser sent,
/// without control, direction or zero-width characters or path separators, at most
/// [`NAME_MAX`] characters, and with an extension of its kind (a text file named
/// `invoice.pdf.js` is saved as `invoice.pdf.txt`, so it never runs when opened); a name from
/// the type when nothing is left.
pub fn clean_name(raw: &str, kind: FileType) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_invisible_format(*c)
                && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return format!("file.{}", kind.extension());
    }
    let (stem, extension) = match trimmed.rsplit_once('.') {
        Some((stem, ext)) if !stem.trim().is_empty() => {
            let ext = if kind.takes_extension(ext) {
                ext
            } else {
                kind.extension()
            };
            (stem.trim_end(), ext.to_owned())
        }
        _ => (trimmed, kind.extension().to_owned()),
    };
    let keep = NAME_MAX.saturating_sub(extension.chars().count() + 1);
    let stem: String = stem.chars().take(keep).collect();
    format!("{}.{extension}", stem.trim_end())
}

/// Characters that change how a name is shown without being seen: direction overrides (which
/// make `photo\u{202e}gnp.js` look like `photosj.png`), zero-width characters, byte-order marks.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

impl FileType {
    /// Whether `extension` (any case) is one a file of this kind may keep.
    pub fn takes_extension(self, extension: &str) -> bool {
        let allowed: &[&str] = match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            Self::Gif => &["gif"],
            Self::Webp => &["webp"],
            Self::Pdf => &["pdf"],
            Self::Zip => &["zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"],
            Self::Text => &["txt", "csv", "log", "md"],
        };
        allowed.iter().any(|a| a.eq_ignore_ascii_case(extension))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n rest"),
            Some(FileType::Png)
        );
        assert_eq!(
            FileType::sniff(b"\xff\xd8\xff\xe0 jfif"),
            Some(FileType::Jpeg)
        );
        assert_eq!(FileType::sniff(b"GIF89a..."), Some(FileType::Gif));
        assert_eq!(
            FileType::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(FileType::Webp)
        );
        assert_eq!(FileType::sniff(b"%PDF-1.7"), Some(FileType::Pdf));
        assert_eq!(FileType::sniff(b"PK\x03\x04docx"), Some(FileType::Zip));
        assert_eq!(
            FileType::sniff("订单 12345\n".as_bytes()),
            Some(FileType::Text)
        );
        // A web page is text: served as text/plain with nosniff, it cannot run.
        assert_eq!(
            FileType::sniff(b"<script>x()</script>"),
            Some(FileType::Text)
        );
        assert_eq!(FileType::sniff(b"MZ\x90\x00\x03"), None);
        assert_eq!(FileType::sniff(b"\x7fELF\x02\x01"), None);
        assert_eq!(FileType::sniff(b""), None);
    }

    #[test]
    fn media_types_round_trip() {
        for kind in [FileType::Png, FileType::Pdf, FileType::Text] {
            assert_eq!(FileType::from_mime(kind.mime()), Some(kind));
        }
        assert_eq!(FileType::from_mime("image/svg+xml"), None);
    }

    #[test]
    fn sizes_are_capped_and_empty_files_refused() {
        assert!(check_size(1, 10).is_ok());
        assert!(check_size(10, 10).is_ok());
        assert_eq!(
            check_size(11, 10),
            Err(DomainError::FileTooLarge { max: 10 })
        );
        assert!(matches!(
            check_size(0, 10),
            Err(DomainError::InvalidFile(_))
        ));
    }

    #[test]
    fn names_keep_only_an_extension_of_their_kind() {
        assert_eq!(
            clean_name("invoice.pdf.js", FileType::Text),
            "invoice.pdf.txt"
        );
        assert_eq!(clean_name("run.bat", FileType::Text), "run.txt");
        assert_eq!(clean_name("app.jar", FileType::Zip), "app.zip");
        assert_eq!(
            clean_name("photo\u{202e}gnp.js", FileType::Text),
            "photognp.txt"
        );
        assert_eq!(clean_name("kettle.JPG", FileType::Jpeg), "kettle.JPG");
        assert_eq!(clean_name("kettle.png", FileType::Jpeg), "kettle.jpg");
        assert_eq!(clean_name(".jpg", FileType::Jpeg), "jpg.jpg");
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_name("C:\\Users\\me\\broken kettle.jpg", FileType::Jpeg),
            "broken kettle.jpg"
        );
        assert_eq!(clean_name("../../etc/passwd", FileType::Text), "passwd.txt");
        assert_eq!(clean_name("a\r\nb\".png", FileType::Png), "ab.png");
        assert_eq!(clean_name("  ", FileType::Pdf), "file.pdf");
        assert_eq!(clean_name(".htaccess", FileType::Text), "htaccess.txt");
        assert_eq!(clean_name("report.DOCX", FileType::Zip), "report.DOCX");
        let long = format!("{}.jpeg", "照".repeat(200));
        let cut = clean_name(&long, FileType::Jpeg);
        assert_eq!(cut.chars().count(), NAME_MAX);
        assert!(cut.ends_with(".jpeg"));
    }
}
