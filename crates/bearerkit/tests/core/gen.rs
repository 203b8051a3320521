//! Structured headers, claims and policies as `proptest` strategies: the shapes the fuzz
//! targets build with `arbitrary` (`fuzz/src/lib.rs`), over the same types, serialiser and
//! reference model (`fuzz/src/model.rs`, included here by path so that there is one model).
use proptest::prelude::*;
use proptest::sample::select;

#[allow(dead_code, clippy::cast_possible_wrap, clippy::cast_sign_loss)]
#[path = "../../../../fuzz/src/model.rs"]
pub mod model;

pub use model::{Aud, Edit, Esc, J, JStr, MAX_DATE, NAMES, NOW, Num, Piece, Policy, WORDS, Ws};

pub fn esc() -> impl Strategy<Value = Esc> {
    select(&[Esc::Raw, Esc::Short, Esc::Lower, Esc::Upper][..])
}

pub fn word() -> impl Strategy<Value = &'static str> {
    select(WORDS)
}

/// Any text (control characters and non-BMP characters included).
pub fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// A string: words, names, any text, single characters, each spelt with or without escapes.
pub fn jstr() -> impl Strategy<Value = JStr> {
    let piece = prop_oneof![
        3 => word().prop_map(|w| vec![Piece::Text(w.to_owned())]),
        1 => select(NAMES).prop_map(|n| vec![Piece::Text(n.to_owned())]),
        1 => text(10).prop_map(|t| vec![Piece::Text(t)]),
        1 => (any::<char>(), esc()).prop_map(|(c, e)| vec![Piece::Char(c, e)]),
        2 => (word(), esc()).prop_map(|(w, e)| w.chars().map(|c| Piece::Char(c, e)).collect()),
    ];
    proptest::collection::vec(piece, 1..4).prop_map(|v| JStr(v.concat()))
}

/// A member name: mostly a registered one, sometimes escaped, sometimes any string.
pub fn name() -> impl Strategy<Value = JStr> {
    prop_oneof![
        7 => select(NAMES).prop_map(JStr::plain),
        1 => (select(NAMES), esc()).prop_map(|(n, e)| JStr::spelt(n, e)),
        2 => jstr(),
    ]
}

/// A date around `NOW` or the range limits, spelt in several ways, sometimes with a fraction.
pub fn date_num() -> impl Strategy<Value = Num> {
    let bases = [NOW, NOW - 3600, NOW + 3600, NOW - 900, NOW + 900, 0, MAX_DATE, MAX_DATE + 1];
    let fracs = ["", "", "", "5", "000000001", "0000000000000000000001", "9999999999"];
    (select(bases.to_vec()), -127i64..128, any::<u8>(), select(fracs.to_vec())).prop_map(
        |(base, delta, style, frac)| {
            let mut n = Num::spelt(base.saturating_add_signed(delta), style);
            if style % 5 == 0 {
                n.frac = frac.to_owned();
            }
            n
        },
    )
}

/// Any number: dates, huge, tiny, negative, fractions, exponents.
pub fn num() -> impl Strategy<Value = Num> {
    let exp =
        proptest::option::of((any::<bool>(), select(&[None, Some(true), Some(false)][..]), "[0-9]{1,4}"));
    let any_num = (
        any::<bool>(),
        prop_oneof![any::<u64>().prop_map(|v| v.to_string()), "[0-9]{1,40}"],
        "([0-9]{1,25})?",
        exp,
    )
        .prop_map(|(neg, int, frac, exp)| Num { neg, int, frac, exp });
    prop_oneof![2 => date_num(), 3 => any_num]
}

pub fn leaf() -> impl Strategy<Value = J> {
    prop_oneof![
        1 => Just(J::Null),
        1 => any::<bool>().prop_map(J::Bool),
        1 => num().prop_map(J::Num),
        2 => jstr().prop_map(J::Str),
    ]
}

/// Nesting around the depth limit (64, the outer object included).
fn deep() -> impl Strategy<Value = J> {
    (58usize..69, any::<u64>(), leaf()).prop_map(|(levels, pattern, leaf)| {
        (0..levels).fold(leaf, |v, i| {
            if (pattern >> (i % 64)) & 1 == 0 { J::Arr(vec![v]) } else { J::Obj(vec![(JStr::plain("n"), v)]) }
        })
    })
}

/// Member counts around the limit (128), sometimes with a repeated name.
fn wide() -> impl Strategy<Value = J> {
    (125usize..131, proptest::option::of((any::<prop::sample::Index>(), any::<prop::sample::Index>(), esc())))
        .prop_map(|(n, repeat)| {
            let mut m: Vec<(JStr, J)> =
                (0..n).map(|i| (JStr::plain(&format!("m{i}")), J::Num(Num::int(i as u64)))).collect();
            if let Some((at, which, e)) = repeat {
                let which = which.index(n);
                m.insert(at.index(n + 1), (JStr::spelt(&format!("m{which}"), e), J::Null));
            }
            J::Obj(m)
        })
}

/// A value of any shape (up to three levels, besides the deliberately deep or wide ones).
pub fn value() -> impl Strategy<Value = J> {
    let nested = leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(J::Arr),
            proptest::collection::vec((name(), inner), 0..4).prop_map(J::Obj),
        ]
    });
    prop_oneof![18 => nested, 1 => deep(), 1 => wide()]
}

fn word_value() -> impl Strategy<Value = J> {
    prop_oneof![
        12 => word().prop_map(|w| J::Str(JStr::plain(w))),
        3 => (word(), esc()).prop_map(|(w, e)| J::Str(JStr::spelt(w, e))),
        2 => leaf(),
    ]
}

/// Members inserted at arbitrary places among `fixed`.
fn mixed(fixed: Vec<(JStr, J)>, extra: Vec<((JStr, J), prop::sample::Index)>) -> J {
    let mut m = fixed;
    for (member, at) in extra {
        m.insert(at.index(m.len() + 1), member);
    }
    J::Obj(m)
}

fn extras(max: usize) -> impl Strategy<Value = Vec<((JStr, J), prop::sample::Index)>> {
    proptest::collection::vec(((name(), value()), any::<prop::sample::Index>()), 0..max)
}

/// A JOSE header: usually `alg` ES256, then `typ`, `kid`, rarely `crit`, and others.
pub fn header() -> impl Strategy<Value = J> {
    let alg = prop_oneof![
        14 => Just(Some((JStr::plain("alg"), J::Str(JStr::plain("ES256"))))),
        2 => (esc(), esc()).prop_map(|(a, b)| Some((JStr::spelt("alg", a), J::Str(JStr::spelt("ES256", b))))),
        2 => word_value().prop_map(|v| Some((JStr::plain("alg"), v))),
        1 => Just(None),
    ];
    let member = |name: &'static str, weight: u32| prop_oneof![weight => word_value().prop_map(move |v| Some((JStr::plain(name), v))), 100 - weight => Just(None)];
    (alg, member("typ", 50), member("kid", 50), member("crit", 3), extras(3)).prop_map(
        |(alg, typ, kid, crit, extra)| mixed([alg, typ, kid, crit].into_iter().flatten().collect(), extra),
    )
}

/// JWT claims: the registered claims mostly well typed, and other members of any shape.
pub fn claims() -> impl Strategy<Value = J> {
    let claim = |name: &'static str, typed: BoxedStrategy<J>, present: u32| {
        let v = prop_oneof![9 => typed, 1 => value()];
        prop_oneof![present => v.prop_map(move |v| Some((JStr::plain(name), v))), 100 - present => Just(None)]
    };
    let date = || date_num().prop_map(J::Num).boxed();
    let string = || word_value().boxed();
    let aud = prop_oneof![
        3 => word_value(),
        2 => proptest::collection::vec(word_value(), 0..4).prop_map(J::Arr),
    ]
    .boxed();
    (
        claim("iss", string(), 45),
        claim("sub", string(), 45),
        claim("aud", aud, 45),
        claim("exp", date(), 85),
        claim("nbf", date(), 45),
        claim("iat", date(), 45),
        claim("jti", string(), 45),
        extras(4),
    )
        .prop_map(|(iss, sub, aud, exp, nbf, iat, jti, extra)| {
            mixed([iss, sub, aud, exp, nbf, iat, jti].into_iter().flatten().collect(), extra)
        })
}

fn secs() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), Just(60), Just(300), Just(900), Just(3600), 0u64..5000]
}

fn words(max: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(word().prop_map(str::to_owned), 0..max)
}

/// A policy: mostly valid, with every setting used.
pub fn policy() -> impl Strategy<Value = Policy> {
    let now = prop_oneof![8 => Just(NOW), 1 => (-30000i64..30000).prop_map(|d| NOW.saturating_add_signed(d)), 1 => any::<u64>()];
    let leeway = proptest::option::weighted(0.4, prop_oneof![19 => secs(), 1 => Just(3601u64)]);
    let lifetime = proptest::option::weighted(0.25, prop_oneof![30 => secs(), 1 => Just(MAX_DATE + 1)]);
    let audience = prop_oneof![
        Just(Aud::Absent),
        Just(Aud::Any),
        word().prop_map(|w| Aud::One(w.to_owned())),
        words(4).prop_map(Aud::OneOf),
    ];
    let opt_word = |p: f64| proptest::option::weighted(p, word().prop_map(str::to_owned));
    let first = (
        now,
        leeway,
        lifetime,
        proptest::option::weighted(0.25, secs()),
        opt_word(0.25),
        opt_word(0.2),
        audience,
    );
    let second = (
        opt_word(0.25),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.15),
        proptest::option::weighted(0.25, words(3)),
        prop_oneof![3 => Just(Vec::new()), 1 => proptest::collection::vec(select(NAMES).prop_map(str::to_owned), 1..4)],
        proptest::bool::weighted(0.25),
        proptest::option::weighted(0.1, select(&[0usize, 10, 100, 300, 8192, 20000][..])),
    );
    (first, second).prop_map(
        |(
            (now, leeway, max_lifetime, max_expiry_ahead, issuer, subject, audience),
            (kid, require_kid, iss_equals_sub, typ, required, allow_missing_exp, max_bytes),
        )| Policy {
            now,
            leeway,
            max_lifetime,
            max_expiry_ahead,
            issuer,
            subject,
            audience,
            kid,
            require_kid,
            iss_equals_sub,
            typ,
            required,
            allow_missing_exp,
            max_bytes,
        },
    )
}

/// Usually no edit; sometimes up to four byte edits with bytes that matter to JSON.
pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let byte = prop_oneof![
        7 => select(&b"\"\\{}[],:0123456789eE.-+ \ttfnu\x00\x7f\xc3\xa9\xff\xef\xbb\xbf"[..]),
        3 => any::<u8>(),
    ];
    let edit = (any::<u16>(), byte, 0u8..3).prop_map(|(pos, b, op)| match op {
        0 => Edit::Set(pos, b),
        1 => Edit::Insert(pos, b),
        _ => Edit::Remove(pos),
    });
    prop_oneof![3 => Just(Vec::new()), 1 => proptest::collection::vec(edit, 1..5)]
}

pub fn ws() -> impl Strategy<Value = Ws> {
    any::<u8>().prop_map(Ws)
}

/// Header and claims bytes: serialised, then edited.
pub fn token_json() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (header(), claims(), ws(), ws(), edits(), edits()).prop_map(|(h, c, hw, cw, he, ce)| {
        let mut h = h.text(hw).into_bytes();
        let mut c = c.text(cw).into_bytes();
        model::apply(&mut h, &he);
        model::apply(&mut c, &ce);
        (h, c)
    })
}
