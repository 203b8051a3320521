//! `bearerkit keygen`: a new P-256 private key, to stdout or a 0600 file.

use crate::cli::{KeyFormat, KeygenArgs};
use crate::failure::{Code, Failure};
use bearerkit::SigningKey;
use serde_json::json;
use std::io::Write as _;

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
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true);
            if a.force {
                opts.create(true).truncate(true);
            } else {
                opts.create_new(true);
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts
                .open(path)
                .map_err(|e| Failure::new(Code::IoError, format!("cannot create {}: {e}", path.display())))?;
            f.write_all(text.as_bytes())
                .map_err(|e| Failure::new(Code::IoError, format!("cannot write {}: {e}", path.display())))?;
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
