//! The example key and token printed in the Thales D1 guide "Get an OAuth 2.0 access token"
//! (`tests/vectors/d1_guide_example.json` has them with their other encodings).

/// The example private key, SEC1 PEM, copied byte for byte (the trailing space at the end of
/// its first three lines included).
pub const KEY_PEM: &str = "-----BEGIN EC PRIVATE KEY----- \nMHcCAQEEILlIXMnH1if8EuWykPmWw/LyXZuoNVCzMp3Yhbj9/sEUoAoGCCqGSM49 \nAwEHoUQDQgAE6swczLIRn/lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpalwIQSl+TR \nfZVDwCKJmajRgK3+n5SyAgCp4oH8qNluwQ==\n-----END EC PRIVATE KEY-----";

/// The example token, signed with [`KEY_PEM`]: header `kid` `your_tenant_key_id` (no `typ`),
/// `aud` `your_audience`, `iat` 1636033186, `exp` 1636033366.
pub const TOKEN: &str = "eyJhbGciOiJFUzI1NiIsImtpZCI6InlvdXJfdGVuYW50X2tleV9pZCJ9.eyJpYXQiOjE2MzYwMzMxODYsImlzcyI6InlvdXJfaXNzdWVyX2lkIiwiYXVkIjoieW91cl9hdWRpZW5jZSIsImV4cCI6MTYzNjAzMzM2Niwic3ViIjoib3VyX3VzZXJfZm9yX2F1ZGl0In0.lgVzN8k9IGcv1s-FZACpEyVxXcS9LAh4ahY3DO5Fg6MRl-Twa_wVAfw_Oe0XiH1Am-RFfafgDrepNi3Jz05Gvg";
