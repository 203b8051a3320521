//! A cursor writing into a caller's buffer (JSON text, base64url, DER-free key encodings).

use crate::Error;

/// A cursor writing into a caller's buffer.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    #[cfg(feature = "sign")]
    pub(crate) fn at(buf: &'b mut [u8], pos: usize) -> Self {
        Self { buf, pos }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let dst = self.buf.get_mut(self.pos..self.pos + bytes.len()).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    pub(crate) fn push_b64(&mut self, bytes: &[u8]) -> Result<(), Error> {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let dst = self.buf.get_mut(self.pos..).ok_or(Error::BufferTooSmall)?;
        let n = Base64UrlUnpadded::encode(bytes, dst).map_err(|_| Error::BufferTooSmall)?.len();
        self.pos += n;
        Ok(())
    }

    pub(crate) fn finish(self) -> &'b [u8] {
        let pos = self.pos;
        self.buf.get(..pos).unwrap_or_default()
    }

    pub(crate) fn finish_str(self) -> Result<&'b str, Error> {
        core::str::from_utf8(self.finish()).map_err(|_| Error::BufferTooSmall)
    }
}
