//! Put `memory.x` on the linker search path for cortex-m-rt's `link.x`, and the token of the
//! shared signing vector `d1_guide_key_production` (tests/vectors/signing.json) into
//! `OUT_DIR/vector_token.txt` for the verify-only build.

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    fs::write(out.join("memory.x"), include_bytes!("memory.x")).expect("write memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    let vectors = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/signing.json");
    println!("cargo:rerun-if-changed={}", vectors.display());
    let text = fs::read_to_string(&vectors).expect("tests/vectors/signing.json");
    fs::write(out.join("vector_token.txt"), vector_token(&text, "d1_guide_key_production"))
        .expect("write vector_token.txt");
    println!("cargo:rerun-if-changed=build.rs");
}

/// The `token` of the case named `name`: the first `"token": "…"` after its name (the
/// vectors' own layout, see tests/vectors/README.md; the token has no escapes).
fn vector_token<'a>(text: &'a str, name: &str) -> &'a str {
    let case = text.find(&format!("\"name\": \"{name}\"")).expect("vector case");
    let rest = &text[case..];
    let start = rest.find("\"token\": \"").expect("token of the case") + "\"token\": \"".len();
    let len = rest[start..].find('"').expect("end of the token");
    &rest[start..start + len]
}
