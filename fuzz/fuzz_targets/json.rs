//! The JSON scanner alone, against `serde_json`: the exact differential documented at
//! `bearerkit_fuzz::model::reference_json` (same verdict, error code included).
#![no_main]

use bearerkit_fuzz::{agrees, reference_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let got = bearerkit::json::validate_object(data);
    let want = reference_json(data);
    if let Err(why) = agrees(&got, &want) {
        panic!("{why}\ndocument: {:?}", String::from_utf8_lossy(data));
    }
    // A validated object reads back without panicking, and its members are what serde_json sees.
    if let Ok(o) = bearerkit::json::Object::parse(data) {
        let mut names = 0usize;
        for (k, v) in o.members() {
            names += 1;
            let _ = k.to_string();
            let _ = v.as_f64();
            let _ = v.as_object().map(|o| o.members().count());
            if let Some(items) = v.array_items() {
                let _ = items.count();
            }
            assert!(o.get(&k.to_string()).is_some(), "member {k} not found by name");
        }
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice::<serde_json::Value>(data) {
            if !bearerkit_fuzz::mentions_serde_token(data) {
                assert_eq!(names, m.len(), "member count differs from serde_json");
            }
        }
    }
});
