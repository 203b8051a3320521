//! A writer for `tracing` subscribers (and the `log` bridge) that keeps everything in a
//! shared buffer, for tests that read what was logged.

use std::sync::{Arc, Mutex, PoisonError};

/// A cloneable writer into one shared buffer: give clones to a subscriber's `with_writer`,
/// read everything with [`Captured::text`].
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything written so far, as text (invalid UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::Captured;
    use std::io::Write;

    #[test]
    fn clones_share_one_buffer() {
        let c = Captured::default();
        c.clone().write_all(b"a ").unwrap();
        c.clone().write_all(b"b").unwrap();
        assert_eq!(c.text(), "a b");
    }
}
