//! bearerkit on a bare-metal Cortex-M4: import a JWK private key, sign a Thales D1 assertion
//! into a stack buffer, verify it, and check that a tampered signature is refused.
//!
//! Built three ways (scripts/embedded.sh): `sign,verify` does all of it; `sign` only signs
//! and prints the token (a device that only makes assertions); `verify` only verifies the
//! shared vector's token (built into the image by build.rs) and refuses a tampered copy.
//!
//! No heap and no global allocator: every buffer is on the stack. Output goes through
//! semihosting; run it under QEMU with `cargo run --release` (see README.md).

#![no_std]
#![no_main]

#[cfg(not(any(feature = "sign", feature = "verify")))]
compile_error!("build with feature `sign`, `verify` or both");

use bearerkit::Error;
use bearerkit::profile::d1;
use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, hprintln};

/// The example key of the Thales D1 guide as a private JWK. Firmware that reads the
/// guide's SEC1 PEM directly can call `SigningKey::from_pem` instead; that links the DER
/// decoders (about 9 KB more `.text`, see README.md).
#[cfg(all(feature = "sign", feature = "verify"))]
const D1_GUIDE_KEY_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"6swczLIRn_lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpY","y":"pcCEEpfk0X2VQ8AiiZmo0YCt_p-UsgIAqeKB_KjZbsE","d":"uUhcycfWJ_wS5bKQ-ZbD8vJdm6g1ULMyndiFuP3-wRQ"}"#;

/// The same key as its raw 32-byte private scalar (the JWK's `d`), as a device that only
/// makes assertions would store it: the sign-only build then links no JSON reader and no
/// point validation (about 6 KB of `.text`, see README.md).
#[cfg(all(feature = "sign", not(feature = "verify")))]
const D1_GUIDE_KEY_SCALAR: [u8; 32] = [
    0xb9, 0x48, 0x5c, 0xc9, 0xc7, 0xd6, 0x27, 0xfc, 0x12, 0xe5, 0xb2, 0x90, 0xf9, 0x96, 0xc3, 0xf2, 0xf2,
    0x5d, 0x9b, 0xa8, 0x35, 0x50, 0xb3, 0x32, 0x9d, 0xd8, 0x85, 0xb8, 0xfd, 0xfe, 0xc1, 0x14,
];

/// Its public half, for the verify-only build.
#[cfg(all(feature = "verify", not(feature = "sign")))]
const D1_GUIDE_PUBLIC_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"6swczLIRn_lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpY","y":"pcCEEpfk0X2VQ8AiiZmo0YCt_p-UsgIAqeKB_KjZbsE"}"#;

/// The token of the shared vector `d1_guide_key_production` (tests/vectors/signing.json),
/// which the verify-only build verifies.
#[cfg(all(feature = "verify", not(feature = "sign")))]
const VECTOR_TOKEN: &str = include_str!(concat!(env!("OUT_DIR"), "/vector_token.txt"));

const ISSUER: &str = "MGW_ID";
const KID: &str = "k1";
const NOW: u64 = 1_700_000_000;

/// Index, inside the signature segment, of the character the tamper check flips. Away from
/// the last character, whose unused bits would turn the error into `bad_base64`.
#[cfg(feature = "verify")]
const TAMPER_AT: usize = 10;

/// Token and scratch buffer size: the D1 token is 242 bytes.
const BUF: usize = 512;

#[entry]
fn main() -> ! {
    #[cfg(feature = "measure-stack")]
    let painted = stack::paint();

    let result = run();

    #[cfg(feature = "measure-stack")]
    hprintln!("STACK {}", stack::used(painted));

    match result {
        Ok(()) => debug::exit(debug::EXIT_SUCCESS),
        Err(e) => {
            hprintln!("ERROR {}", e.code());
            debug::exit(debug::EXIT_FAILURE);
        }
    }
    loop {
        cortex_m::asm::wfi();
    }
}

/// Sign, verify, refuse a tampered copy.
#[cfg(all(feature = "sign", feature = "verify"))]
#[inline(never)]
fn run() -> Result<(), Error> {
    let key = bearerkit::SigningKey::from_jwk(D1_GUIDE_KEY_JWK)?;
    let vk = key.verifying_key();

    // Sign into a stack buffer.
    let mut buf = [0u8; BUF];
    let token = d1::assertion(ISSUER, d1::Env::Production, KID, NOW).sign(&key, &mut buf)?;
    hprintln!("TOKEN {}", token);

    // Verify with the matching D1 policy.
    let policy = d1::validation(ISSUER, d1::Env::Production, KID, NOW);
    let mut scratch = [0u8; BUF];
    bearerkit::verify(token, &vk, &policy, &mut scratch)?;
    hprintln!("VERIFY ok");

    // Flip one signature character: must be refused with `bad_signature`.
    let mut bad = [0u8; BUF];
    let len = token.len();
    bad[..len].copy_from_slice(token.as_bytes());
    let sig_start = token.rfind('.').ok_or(Error::MalformedToken)? + 1;
    let at = sig_start + TAMPER_AT;
    bad[at] = flip_b64url(bad[at]);
    let bad = core::str::from_utf8(&bad[..len]).map_err(|_| Error::MalformedToken)?;
    match bearerkit::verify(bad, &vk, &policy, &mut scratch) {
        Err(Error::BadSignature) => {
            hprintln!("TAMPER {}", Error::BadSignature.code());
            Ok(())
        }
        // A tampered token that verifies is the one outcome that must never happen.
        Ok(_) => Err(Error::BadSignature),
        Err(other) => Err(other),
    }
}

/// Sign only: print the token.
#[cfg(all(feature = "sign", not(feature = "verify")))]
#[inline(never)]
fn run() -> Result<(), Error> {
    let key = bearerkit::SigningKey::from_bytes(&D1_GUIDE_KEY_SCALAR)?;
    let mut buf = [0u8; BUF];
    let token = d1::assertion(ISSUER, d1::Env::Production, KID, NOW).sign(&key, &mut buf)?;
    hprintln!("TOKEN {}", token);
    Ok(())
}

/// Verify only: the shared vector's token verifies, a tampered copy is refused.
#[cfg(all(feature = "verify", not(feature = "sign")))]
#[inline(never)]
fn run() -> Result<(), Error> {
    let token = VECTOR_TOKEN.trim();
    let vk = bearerkit::VerifyingKey::from_jwk(D1_GUIDE_PUBLIC_JWK)?;
    let policy = d1::validation(ISSUER, d1::Env::Production, KID, NOW);
    let mut scratch = [0u8; BUF];
    bearerkit::verify(token, &vk, &policy, &mut scratch)?;
    hprintln!("VERIFY ok");

    let mut bad = [0u8; BUF];
    let len = token.len();
    bad[..len].copy_from_slice(token.as_bytes());
    let sig_start = token.rfind('.').ok_or(Error::MalformedToken)? + 1;
    let at = sig_start + TAMPER_AT;
    bad[at] = flip_b64url(bad[at]);
    let bad = core::str::from_utf8(&bad[..len]).map_err(|_| Error::MalformedToken)?;
    match bearerkit::verify(bad, &vk, &policy, &mut scratch) {
        Err(Error::BadSignature) => {
            hprintln!("TAMPER {}", Error::BadSignature.code());
            Ok(())
        }
        Ok(_) => Err(Error::BadSignature),
        Err(other) => Err(other),
    }
}

/// Another base64url character: its 6-bit value with the lowest bit flipped.
#[cfg(feature = "verify")]
fn flip_b64url(c: u8) -> u8 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let v = ALPHABET.iter().position(|&a| a == c).unwrap_or(0);
    ALPHABET[v ^ 1]
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    // Only the location: formatting `info` itself would keep every panic message's
    // formatting code (Debug impls, unicode tables) alive in the image.
    match info.location() {
        Some(l) => hprintln!("PANIC {}:{}", l.file(), l.line()),
        None => hprintln!("PANIC"),
    }
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}

#[exception]
unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
    hprintln!("HARDFAULT pc={:#010x}", ef.pc());
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}

/// Stack high-water mark by painting: fill the free stack below `main`'s frame with a
/// pattern, run, then find the lowest word that changed.
#[cfg(feature = "measure-stack")]
mod stack {
    const PATTERN: u32 = 0xCDCD_CDCD;
    /// Paint at most this much below the current stack pointer.
    const WINDOW: usize = 64 * 1024;
    /// Leave the words just below `sp` alone (this function's own frame).
    const GUARD: usize = 256;

    unsafe extern "C" {
        static mut __sheap: u32;
    }

    pub(super) struct Painted {
        top: usize,
        bottom: usize,
    }

    #[inline(never)]
    pub(super) fn paint() -> Painted {
        let sp = cortex_m::register::msp::read() as usize;
        // `__sheap` is a cortex-m-rt linker symbol (end of .bss/.uninit): only its address is used.
        let heap_start = &raw const __sheap as usize;
        let top = (sp - GUARD) & !3;
        let bottom = core::cmp::max(heap_start, top.saturating_sub(WINDOW));
        let mut p = bottom;
        while p < top {
            // SAFETY: [bottom, top) is unused RAM between the static data and the live stack.
            unsafe { core::ptr::write_volatile(p as *mut u32, PATTERN) };
            p += 4;
        }
        Painted { top: sp, bottom }
    }

    /// Bytes of stack used below the stack pointer [`paint`] saw.
    pub(super) fn used(painted: Painted) -> usize {
        let mut p = painted.bottom;
        // SAFETY: the same region [bottom, top) that `paint` wrote.
        while p < painted.top && unsafe { core::ptr::read_volatile(p as *const u32) } == PATTERN {
            p += 4;
        }
        painted.top - p
    }
}
