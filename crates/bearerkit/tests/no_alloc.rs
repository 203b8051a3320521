//! Proof that signing and verifying allocate nothing: a counting global allocator wraps
//! the system one, and the count must not move across sign and verify (plain key),
//! key import from PEM and JWK, and key export. With feature `fast-sign` the process-wide
//! signing table is allocated once, on first use: it is built before counting starts, and
//! every signature after it allocates nothing.
// A test binary: std is the point here.
#![allow(missing_docs, clippy::unwrap_used, clippy::std_instead_of_core)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

std::thread_local! {
    /// Set on the thread under test only, so the test harness's own threads do not count.
    static COUNTING: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

fn count() {
    if COUNTING.with(core::cell::Cell::get) {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The Thales D1 guide's example key, read from its shared vector (before counting starts).
fn guide_pem() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/d1_guide_example.json");
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find("-----BEGIN EC PRIVATE KEY-----").unwrap();
    let end = text.find("-----END EC PRIVATE KEY-----").unwrap() + "-----END EC PRIVATE KEY-----".len();
    // The JSON string escapes its newlines.
    text[start..end].replace("\\n", "\n")
}

#[test]
fn sign_and_verify_allocate_nothing() {
    let now = 1_700_000_000;
    let mut buf = [0u8; 1024];
    let mut scratch = [0u8; 1024];
    let mut out = [0u8; 512];
    let pem = guide_pem();
    // Warm up anything lazily initialised by the test harness itself.
    let _ = std::hint::black_box(ALLOCS.load(Ordering::SeqCst));
    // The one allocation of `fast-sign`: its process-wide comb table, built on first use.
    #[cfg(feature = "fast-sign")]
    let _ = std::hint::black_box(bearerkit::fast_sign::CombTable::global());
    COUNTING.with(|c| c.set(true));
    let before = ALLOCS.load(Ordering::SeqCst);
    let key = bearerkit::SigningKey::from_pem(&pem).unwrap();
    let vk = key.verifying_key();
    let token =
        bearerkit::profile::d1::assertion("MGW_ID", bearerkit::profile::d1::Env::Production, "k1", now)
            .sign(&key, &mut buf)
            .unwrap();
    let policy =
        bearerkit::profile::d1::validation("MGW_ID", bearerkit::profile::d1::Env::Production, "k1", now);
    let verified = bearerkit::verify(token, &vk, &policy, &mut scratch).unwrap();
    assert!(verified.claims().iss().unwrap().eq_str("MGW_ID"));
    let jwk = vk.to_jwk(&mut out).unwrap();
    let again = bearerkit::VerifyingKey::from_jwk(jwk).unwrap();
    assert_eq!(again, vk);
    let _ = key.to_pkcs8_pem(&mut out).unwrap();
    let _ = vk.thumbprint();
    let after = ALLOCS.load(Ordering::SeqCst);
    // (still counting: the check below proves the counter sees this thread's allocations)
    assert_eq!(after - before, 0, "the core allocated {} times", after - before);
    // The counter works: a Vec allocates.
    let v = std::hint::black_box(vec![1u8; 10]);
    assert!(ALLOCS.load(Ordering::SeqCst) > after);
    drop(v);
    COUNTING.with(|c| c.set(false));
}
