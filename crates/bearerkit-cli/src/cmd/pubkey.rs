//! `bearerkit pubkey`: the public key of a key file, as SPKI PEM or a JWK.

use crate::cli::{PubkeyArgs, PublicFormat};
use crate::failure::Failure;
use crate::keyfile;
use serde_json::json;

pub(crate) fn run(a: &PubkeyArgs, json_out: bool) -> Result<(), Failure> {
    let vk = keyfile::verifying_key(&a.key)?;
    let text = match a.format {
        PublicFormat::Spki => vk.to_spki_pem_string(),
        PublicFormat::Jwk => vk.to_jwk_string() + "\n",
    };
    if json_out {
        println!("{}", json!({"ok": true, "key": text, "thumbprint": vk.thumbprint().to_string()}));
    } else {
        print!("{text}");
    }
    Ok(())
}
