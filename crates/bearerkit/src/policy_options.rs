//! [`PolicyOptions`]: a verification policy as owned values, for the language bindings and
//! anything else that receives its options at run time (a request, a configuration file).

use crate::Validation;
use alloc::string::String;
use alloc::vec::Vec;

/// A verification policy as owned values: each field left `None` (or `false`) keeps what the
/// base [`Validation`] has (the core's default, or a profile's rule).
///
/// [`Validation`] borrows its strings; this type owns them, so a binding can hold a policy it
/// read from Python, JavaScript or a file and apply it with [`PolicyOptions::with_validation`]
/// without copying the mapping of every option itself.
///
/// ```
/// use bearerkit::{PolicyOptions, Validation};
/// let options = PolicyOptions { audience: Some(vec!["api".into()]), leeway: Some(30), ..Default::default() };
/// let leeway = options.with_validation(Validation::new(1_700_000_000), |v| v.leeway_secs());
/// assert_eq!(leeway, 30);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)]
pub struct PolicyOptions {
    /// Expected `iss` ([`Validation::issuer`]).
    pub issuer: Option<String>,
    /// Accepted audiences ([`Validation::audiences`]); an empty list is `invalid_policy`.
    pub audience: Option<Vec<String>>,
    /// Do not check `aud` ([`Validation::any_audience`]).
    pub any_audience: bool,
    /// Expected `sub` ([`Validation::subject`]).
    pub subject: Option<String>,
    /// Expected header `kid` ([`Validation::kid`]).
    pub kid: Option<String>,
    /// Require a `kid` header ([`Validation::require_kid`]).
    pub require_kid: bool,
    /// Accepted `typ` values ([`Validation::typ`]).
    pub typ: Option<Vec<String>>,
    /// Clock-skew leeway in seconds ([`Validation::leeway`]).
    pub leeway: Option<u64>,
    /// Maximum `exp − iat` ([`Validation::max_lifetime`]).
    pub max_lifetime: Option<u64>,
    /// Latest `exp` after now ([`Validation::max_expiry_ahead`]).
    pub max_expiry_ahead: Option<u64>,
    /// Claims required besides `exp` ([`Validation::required`]).
    pub required: Option<Vec<String>>,
    /// Maximum token length ([`Validation::max_bytes`]).
    pub max_bytes: Option<usize>,
    /// `iss` must equal `sub` ([`Validation::issuer_equals_subject`]).
    pub issuer_equals_subject: bool,
    /// At most one audience ([`Validation::sole_audience`]).
    pub sole_audience: bool,
    /// `aud` must be a JSON string ([`Validation::audience_as_string`]).
    pub audience_as_string: bool,
    /// Accept a token without `exp` ([`crate::dangerous::allow_missing_exp`]).
    pub dangerous_allow_missing_exp: bool,
}

fn strs(v: Option<&Vec<String>>) -> Vec<&str> {
    v.map(|l| l.iter().map(String::as_str).collect()).unwrap_or_default()
}

impl PolicyOptions {
    /// Call `f` with `base` plus these options. `any_audience` wins over `audience` when both
    /// are set (say which you mean: bindings refuse that combination).
    pub fn with_validation<R>(&self, base: Validation<'_>, f: impl FnOnce(&Validation<'_>) -> R) -> R {
        let (auds, typ, required) =
            (strs(self.audience.as_ref()), strs(self.typ.as_ref()), strs(self.required.as_ref()));
        let mut v = base;
        if let Some(x) = &self.issuer {
            v = v.issuer(x);
        }
        if self.audience.is_some() {
            v = v.audiences(&auds);
        }
        if self.any_audience {
            v = v.any_audience();
        }
        if let Some(x) = &self.subject {
            v = v.subject(x);
        }
        if let Some(x) = &self.kid {
            v = v.kid(x);
        }
        if self.require_kid {
            v = v.require_kid(true);
        }
        if self.typ.is_some() {
            v = v.typ(&typ);
        }
        if let Some(x) = self.leeway {
            v = v.leeway(x);
        }
        if let Some(x) = self.max_lifetime {
            v = v.max_lifetime(x);
        }
        if let Some(x) = self.max_expiry_ahead {
            v = v.max_expiry_ahead(x);
        }
        if self.required.is_some() {
            v = v.required(&required);
        }
        if let Some(x) = self.max_bytes {
            v = v.max_bytes(x);
        }
        if self.issuer_equals_subject {
            v = v.issuer_equals_subject(true);
        }
        if self.sole_audience {
            v = v.sole_audience(true);
        }
        if self.audience_as_string {
            v = v.audience_as_string(true);
        }
        if self.dangerous_allow_missing_exp {
            v = crate::dangerous::allow_missing_exp(v);
        }
        f(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::PolicyOptions;
    use crate::{AudiencePolicy, Validation};
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn nothing_set_keeps_the_base_and_each_option_reaches_the_validation() {
        let base = Validation::new(1_700_000_000);
        let none = PolicyOptions::default();
        none.with_validation(base, |v| {
            assert_eq!((v.leeway_secs(), v.requires_exp()), (base.leeway_secs(), true));
            assert!(matches!(v.audience_policy(), AudiencePolicy::Absent));
        });
        let some = PolicyOptions {
            audience: Some(vec!["a".to_string(), "b".to_string()]),
            leeway: Some(5),
            dangerous_allow_missing_exp: true,
            ..PolicyOptions::default()
        };
        some.with_validation(base, |v| {
            assert_eq!((v.leeway_secs(), v.requires_exp()), (5, false));
            assert!(matches!(v.audience_policy(), AudiencePolicy::OneOf(l) if l == ["a", "b"]));
        });
        let any = PolicyOptions { any_audience: true, ..PolicyOptions::default() };
        any.with_validation(base, |v| assert!(matches!(v.audience_policy(), AudiencePolicy::Any)));
    }
}
