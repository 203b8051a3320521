//! The server's token-request parameter parser (form and JSON bodies, and the whole
//! `Content-Type` dispatch). The first byte chooses: `F` form body, `J` JSON body, `R`
//! `Content-Type` values (separated by `\r`) up to `\n` then the body, `S` structured
//! parameters written as a form and as JSON. Never a panic; a form body with a name twice
//! (after decoding) is always refused; what is accepted is what another decoder reads.
#![no_main]

use arbitrary::Unstructured;
use bearerkit_fuzz::{JStr, Piece};
use bearerkit_server::fuzzing;
use libfuzzer_sys::fuzz_target;

type Pairs = Vec<(String, String)>;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode {
        b'F' => drop(form(rest)),
        b'J' => drop(json(rest)),
        b'R' => drop(read(rest)),
        b'S' => drop(structured(&mut Unstructured::new(rest))),
        _ => {
            form(rest);
            json(rest);
        }
    }
});

fn has_repeat(pairs: &[(String, String)]) -> bool {
    pairs.iter().enumerate().any(|(i, (k, _))| pairs[..i].iter().any(|(e, _)| e == k))
}

/// Check the form parser on `body`; returns its result.
fn form(body: &[u8]) -> Option<Pairs> {
    let got = fuzzing::parse_form(body);
    if std::str::from_utf8(body).is_err() {
        assert!(got.is_err(), "non-UTF-8 form body accepted");
        return None;
    }
    let decoded: Pairs =
        form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if has_repeat(&decoded) {
        assert!(got.is_err(), "form body with a repeated name accepted: {:?}", String::from_utf8_lossy(body));
        None
    } else {
        let got = got.unwrap_or_else(|e| {
            panic!("form body refused ({}): {:?}", e.description(), String::from_utf8_lossy(body))
        });
        assert_eq!(got, decoded, "form parameters differ");
        Some(got)
    }
}

/// Check the JSON parser on `body`; returns its result.
fn json(body: &[u8]) -> Option<Pairs> {
    let got = fuzzing::parse_json(body).ok();
    let value = serde_json::from_slice::<serde_json::Value>(body).ok();
    let strings = match &value {
        Some(serde_json::Value::Object(m)) => {
            m.iter().map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect::<Option<Pairs>>()
        }
        _ => None,
    };
    if bearerkit_fuzz::mentions_serde_token(body) {
        return got;
    }
    if let Some(pairs) = &got {
        assert!(!has_repeat(pairs), "JSON body with a repeated name accepted");
        assert_eq!(Some(pairs), strings.as_ref(), "JSON parameters differ from serde_json's reading");
    } else if strings.is_some() {
        // Every member a string; refused only for a repeated name.
        // (`strings` is `serde_json`'s reading, which keeps the last of repeated names.)
        let verdict = bearerkit::json::validate_object(body);
        assert!(
            matches!(verdict, Err(bearerkit::Error::DuplicateMember | bearerkit::Error::TooManyMembers)),
            "JSON body of string members refused ({:?} from bearerkit's JSON rules): {:?}",
            verdict.map_err(|e| e.code()),
            String::from_utf8_lossy(body)
        );
    }
    got
}

fn read(rest: &[u8]) -> Option<Pairs> {
    let (head, body) = match rest.iter().position(|b| *b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let json_bodies = head.first().is_some_and(|b| b & 1 == 1);
    let types: Vec<&[u8]> = head.get(1..).unwrap_or_default().split(|b| *b == b'\r').collect();
    let got = fuzzing::read(&types, body, json_bodies);
    // `http::HeaderValue::from_bytes`: tab, or visible bytes other than DEL; others are left out.
    let types: Vec<&[u8]> =
        types.into_iter().filter(|t| t.iter().all(|&b| b == b'\t' || (b >= 32 && b != 127))).collect();
    let mime = |t: &[u8]| {
        let s = std::str::from_utf8(t).ok()?;
        Some(s.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
    };
    if let Ok(pairs) = &got {
        assert_eq!(types.len(), 1, "parameters read with {} Content-Type values", types.len());
        match mime(types[0]).as_deref() {
            Some("application/x-www-form-urlencoded") => {
                assert_eq!(Some(pairs), fuzzing::parse_form(body).ok().as_ref())
            }
            Some("application/json") if json_bodies => {
                assert_eq!(Some(pairs), fuzzing::parse_json(body).ok().as_ref())
            }
            other => panic!("body read with Content-Type {other:?} (json_bodies {json_bodies})"),
        }
    }
    got.ok()
}

fn esc_form(u: &mut Unstructured<'_>, s: &str) -> arbitrary::Result<String> {
    let mut out = String::new();
    for b in s.bytes() {
        let style = u.int_in_range(0..=3u8)?;
        match b {
            b' ' if style == 0 => out.push('+'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' if style < 2 => {
                out.push(char::from(b))
            }
            _ if style == 3 => out.push_str(&format!("%{b:02x}")),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(out)
}

/// Structured parameters: names from a small set (repeats likely), written as a form body
/// with mixed percent-encoding and as a JSON object with mixed escapes.
fn structured(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    const NAMES: &[&str] =
        &["grant_type", "assertion", "scope", "client_id", "client_assertion", "a", "", "a b", "é"];
    let n = u.int_in_range(0..=6usize)?;
    let mut pairs: Pairs = Vec::new();
    for _ in 0..n {
        let name = if u.ratio(4u8, 5)? { (*u.choose(NAMES)?).to_owned() } else { u.arbitrary::<String>()? };
        let value = if u.ratio(1u8, 2)? {
            (*u.choose(bearerkit_fuzz::WORDS)?).to_owned()
        } else {
            u.arbitrary::<String>()?
        };
        pairs.push((name, value));
    }
    let mut body = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            body.push('&');
        }
        body.push_str(&esc_form(u, k)?);
        body.push('=');
        body.push_str(&esc_form(u, v)?);
    }
    let got = form(body.as_bytes());
    assert_eq!(got.is_some(), !has_repeat(&pairs), "form verdict on {body:?}");
    if let Some(got) = got {
        assert_eq!(got, pairs);
    }
    let mut obj = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            obj.push(',');
        }
        let spell = |u: &mut Unstructured<'_>, s: &str| -> arbitrary::Result<JStr> {
            let e = *u.choose(&[
                bearerkit_fuzz::Esc::Raw,
                bearerkit_fuzz::Esc::Short,
                bearerkit_fuzz::Esc::Lower,
            ])?;
            Ok(JStr(s.chars().map(|c| Piece::Char(c, e)).collect()))
        };
        spell(u, k)?.write(&mut obj);
        obj.push(':');
        spell(u, v)?.write(&mut obj);
    }
    obj.push('}');
    let got = json(obj.as_bytes());
    assert_eq!(got.is_some(), !has_repeat(&pairs), "JSON verdict on {obj}");
    if let Some(got) = got {
        assert_eq!(got, pairs);
    }
    Ok(())
}
