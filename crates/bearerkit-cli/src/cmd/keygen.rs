//! `bearerkit keygen`: a new P-256 private key, to stdout or a 0600 file.
//!
//! The file is always a new one: the key is written to a temporary file created 0600 beside
//! `--out`, then renamed to it. An existing `--out` (a symlink included) is refused unless
//! `--force`, which replaces the name itself: an existing file's mode, a symlink's target
//! are never reused or written through.

use crate::cli::{KeyFormat, KeygenArgs};
use crate::failure::{Code, Failure};
use bearerkit::SigningKey;
use serde_json::json;
use std::io::Write as _;
use std::path::Path;

pub(crate) fn run(a: &KeygenArgs, json_out: bool) -> Result<(), Failure> {
    let key = SigningKey::generate(&mut rand::rng());
    let text = match a.format {
        KeyFormat::Sec1 => key.to_sec1_pem_string(),
        KeyFormat::Pkcs8 => key.to_pkcs8_pem_string(),
        KeyFormat::Jwk => {
            let mut s = key.to_jwk_string();
            s.push('\n');
            s
        }
    };
    let thumbprint = key.verifying_key().thumbprint().to_string();
    match &a.out {
        Some(path) => {
            write_new_file(path, text.as_bytes(), a.force)?;
            if json_out {
                println!(
                    "{}",
                    json!({"ok": true, "out": path.display().to_string(), "thumbprint": thumbprint})
                );
            } else {
                eprintln!("wrote {} (JWK thumbprint {thumbprint})", path.display());
            }
        }
        None if json_out => {
            println!("{}", json!({"ok": true, "key": text.as_str(), "thumbprint": thumbprint}));
        }
        None => print!("{}", text.as_str()),
    }
    Ok(())
}

/// Write `bytes` to a new 0600 file at `path`: a temporary file in the same directory,
/// synced, then renamed over `path` (`force`) or linked there only if `path` does not
/// exist, not even as a dangling symlink. On failure the temporary file is removed.
fn write_new_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), Failure> {
    let cannot = |what: &str, e: std::io::Error| {
        Failure::new(Code::IoError, format!("cannot {what} {}: {e}", path.display()))
    };
    // `k.pem` has the parent "": the current directory.
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // Created with O_EXCL and mode 0600 (tempfile's default for files; a umask only narrows it).
    let mut tmp = tempfile::Builder::new()
        .prefix(".bearerkit-keygen-")
        .tempfile_in(dir)
        .map_err(|e| cannot("create a temporary file beside", e))?;
    tmp.write_all(bytes).map_err(|e| cannot("write", e))?;
    tmp.as_file().sync_all().map_err(|e| cannot("write", e))?;
    let persisted = if force { tmp.persist(path) } else { tmp.persist_noclobber(path) };
    // The error gives the temporary file back, which is deleted when dropped.
    persisted.map_err(|e| cannot("create", e.error))?;
    Ok(())
}
