//! bearerkit on a bare-metal Cortex-M4: import a JWK private key, sign a Thales D1 assertion
//! into a stack buffer, verify it, and check that a tampered signature is refused.
//!
//! No heap and no global allocator: every buffer is on the stack. Output goes through
//! semihosting; run it under QEMU with `cargo run --release` (see README.md).

#![no_std]
#![no_main]

use bearerkit::profile::d1;
use bearerkit::{Error, SigningKey};
use cortex_m_rt::{ExceptionFrame, entry, exception};
use cortex_m_semihosting::{debug, hprintln};

/// The example key of the Thales D1 guide as a private JWK. Firmware that reads the
/// guide's SEC1 PEM directly can call `SigningKey::from_pem` instead; that links the DER
/// decoders (about 9 KB more `.text`, see README.md).
const D1_GUIDE_KEY_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"6swczLIRn_lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpY","y":"pcCEEpfk0X2VQ8AiiZmo0YCt_p-UsgIAqeKB_KjZbsE","d":"uUhcycfWJ_wS5bKQ-ZbD8vJdm6g1ULMyndiFuP3-wRQ"}"#;

const ISSUER: &str = "MGW_ID";
const KID: &str = "k1";
const NOW: u64 = 1_700_000_000;

/// Index, inside the signature segment, of the character the tamper check flips. Away from
/// the last character, whose unused bits would turn the error into `bad_base64`.
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

#[inline(never)]
fn run() -> Result<(), Error> {
    let key = SigningKey::from_jwk(D1_GUIDE_KEY_JWK)?;
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

/// Another base64url character: its 6-bit value with the lowest bit flipped.
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
