//! The command line (clap): every command's arguments; `serve`'s, with the parsers of
//! their values, in [`serve`].

mod serve;

pub(crate) use serve::ServeArgs;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A secret command-line value (client secret, token): the core's redacting [`Secret`],
/// whose `Debug` never shows it and whose parsing never fails (so clap never quotes it).
pub(crate) use bearerkit::Secret as SecretArg;

/// ES256 JWT assertions for OAuth 2.0 token endpoints (Thales D1, Worldline / Keycloak).
///
/// Exit codes: 0 success; 1 rejected or failed (the stable error code is printed); 2 usage.
#[derive(Debug, Parser)]
#[command(
    name = "bearerkit",
    version,
    after_help = "Exit codes: 0 success; 1 rejected or failed (the stable error code is printed); 2 usage."
)]
pub(crate) struct Cli {
    /// Print one JSON document (results on stdout, errors on stderr) instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Whether `--json` is among the arguments (before a `--`), for the errors clap raises before
/// [`Cli::json`] exists.
pub(crate) fn json_requested(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    args.into_iter().skip(1).take_while(|a| a != "--").any(|a| a == "--json")
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Generate a P-256 private key (SEC1 PEM by default, as `openssl ecparam -genkey` makes).
    Keygen(KeygenArgs),
    /// Print the public key of a private key (SPKI PEM or JWK).
    Pubkey(PubkeyArgs),
    /// Sign a JWT assertion (ES256 with a P-256 key, RS256 or PS256 with an RSA key).
    Sign(SignArgs),
    /// Verify a token strictly; prints the claims when accepted, the error code when not.
    Verify(VerifyArgs),
    /// Decode a token WITHOUT verifying it (for reading only).
    Inspect(InspectArgs),
    /// RFC 7638 JWK thumbprint of a key (or of a certificate's key), or SHA-1 / x5t
    /// fingerprints of a certificate.
    Thumbprint(ThumbprintArgs),
    /// Fetch one access token from a real token endpoint (retries transport errors, timeouts,
    /// 429 and 5xx; no cache between runs).
    Token(TokenArgs),
    /// Run the local authorization server (D1 inbound, D1 outbound-style, Keycloak-style).
    ///
    /// Configure it with a TOML file (--config), with flags, or both: the flags add issuers,
    /// keys, clients, realms and TLS to what the file has.
    #[command(after_long_help = serve::AFTER_HELP)]
    Serve(ServeArgs),
    /// Start the server in-process and walk through every platform flow, printing a transcript.
    Demo(DemoArgs),
}

/// Token flows.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Thales D1 inbound: JWT-bearer grant with a signed D1 assertion.
    D1,
    /// `client_credentials` with HTTP Basic client id and secret (and Keycloak).
    ClientCredentials,
    /// `client_credentials` with a signed `client_assertion` (`private_key_jwt`).
    ClientAssertion,
}

#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// Which flow.
    #[arg(long, value_enum)]
    pub(crate) flow: Flow,
    /// The token endpoint URL (for D1: `{base}/oauth2/token`).
    #[arg(long)]
    pub(crate) url: String,
    /// Signing key for the d1 and client-assertion flows: P-256 (SEC1 or PKCS#8 PEM, or a
    /// JWK) or, for client assertions, RSA of 2048 to 4096 bits (PKCS#8 or PKCS#1 PEM).
    #[arg(long)]
    pub(crate) key: Option<PathBuf>,
    /// Client-assertion flow: the JWS algorithm. Default: ES256 for a P-256 key, RS256 for an
    /// RSA key (PS256 on request). The d1 flow is always ES256.
    #[arg(long, value_enum)]
    pub(crate) alg: Option<crate::keyfile::Alg>,
    /// Header `kid` (D1: the onboarded key id; Worldline: the certificate SHA-1 fingerprint,
    /// or use --kid-from-cert).
    #[arg(long)]
    pub(crate) kid: Option<String>,
    /// Header `kid` from a certificate (PEM or DER): its SHA-1 fingerprint in upper-case hex,
    /// the `kid` Worldline requires. The certificate's public key must be --key's (otherwise
    /// exit 1, `key_mismatch`, before anything is sent). For the d1 and client-assertion flows.
    #[arg(long, value_name = "FILE", conflicts_with = "kid")]
    pub(crate) kid_from_cert: Option<PathBuf>,
    /// D1 issuer id (`iss` = `sub`).
    #[arg(long)]
    pub(crate) iss: Option<String>,
    /// D1 audience, `stg` or `prd`.
    #[arg(long, default_value = "prd")]
    pub(crate) aud: String,
    /// Client id (client-credentials and client-assertion flows).
    #[arg(long)]
    pub(crate) client_id: Option<String>,
    /// Client-assertion flow: the authorization server's issuer, sent as the assertion's
    /// `aud` (one string).
    ///
    /// Without it (and without --assertion-aud) `aud` is the issuer derived from a
    /// Keycloak-style --url (`…/realms/{realm}/protocol/openid-connect/token` →
    /// `…/realms/{realm}`), else --url itself. The issuer is what Keycloak 26.2 (which refuses
    /// several audiences), OpenID Connect's revised text and FAPI 2.0 ask for.
    #[arg(long, value_name = "URL")]
    pub(crate) issuer: Option<String>,
    /// Client-assertion flow: read `{issuer}/.well-known/openid-configuration` first, check
    /// that its `issuer` is exactly that URL (RFC 8414 §3.3; otherwise exit with
    /// invalid_config, nothing sent) and send it as `aud`.
    #[arg(long)]
    pub(crate) discover_issuer: bool,
    /// Client-assertion flow: send exactly this `aud` instead of the issuer (for a server
    /// that wants something else, such as the token endpoint URL).
    #[arg(long, value_name = "AUD", conflicts_with_all = ["issuer", "discover_issuer"])]
    pub(crate) assertion_aud: Option<String>,
    /// Read the client secret (client-credentials flow) from FILE, `-` for stdin: its text
    /// without the trailing line break.
    ///
    /// Without this flag or --client-secret, the secret is taken from the environment
    /// variable BEARERKIT_CLIENT_SECRET.
    #[arg(long, value_name = "FILE", conflicts_with = "client_secret")]
    pub(crate) client_secret_file: Option<PathBuf>,
    /// The client secret itself, on the command line: other local users can read it (`ps`,
    /// /proc) and shell history keeps it, so a warning is printed. Prefer --client-secret-file
    /// or BEARERKIT_CLIENT_SECRET.
    #[arg(long, value_name = "SECRET")]
    pub(crate) client_secret: Option<SecretArg>,
    /// Send the client id and secret in the form body instead of HTTP Basic.
    #[arg(long)]
    pub(crate) secret_post: bool,
    /// Requested scope (space-separated).
    #[arg(long)]
    pub(crate) scope: Option<String>,
    /// Send the request body as JSON instead of form-encoded, whatever the flow (the D1
    /// endpoint accepts JSON; RFC 6749 endpoints such as the D1 outbound one and Keycloak's expect
    /// form bodies).
    #[arg(long)]
    pub(crate) json_body: bool,
    /// `x-correlation-id` header (`^[A-Za-z0-9_-]{1,64}$`).
    #[arg(long)]
    pub(crate) correlation_id: Option<String>,
    /// Client certificate chain for mutual TLS (PEM).
    #[arg(long, requires = "cert_key")]
    pub(crate) cert: Option<PathBuf>,
    /// Private key of the client certificate (PEM).
    #[arg(long, requires = "cert")]
    pub(crate) cert_key: Option<PathBuf>,
    /// Extra root CA certificates (PEM), repeatable.
    #[arg(long)]
    pub(crate) ca: Vec<PathBuf>,
    /// Send credentials over plain http to a non-loopback host.
    ///
    /// Without it an http:// --url is refused unless its host is localhost, 127.0.0.0/8 or
    /// ::1: the client secret, assertion and access token would cross the network
    /// unencrypted. Only for test servers on a trusted network.
    #[arg(long)]
    pub(crate) insecure_transport: bool,
    /// Print the access token itself (by default only a preview is shown).
    #[arg(long)]
    pub(crate) show_token: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {}

/// Private key encodings.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum KeyFormat {
    /// `BEGIN EC PRIVATE KEY` (RFC 5915), what the Thales D1 guide's openssl commands make.
    Sec1,
    /// `BEGIN PRIVATE KEY` (PKCS#8).
    Pkcs8,
    /// A private JWK.
    Jwk,
}

/// Public key encodings.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum PublicFormat {
    /// `BEGIN PUBLIC KEY` (SPKI), what `openssl ec -pubout` makes.
    Spki,
    /// A public JWK.
    Jwk,
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Output encoding.
    #[arg(long, value_enum, default_value = "sec1")]
    pub(crate) format: KeyFormat,
    /// Write the key to this file (created with mode 0600) instead of stdout.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Overwrite `--out` if it exists.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PubkeyArgs {
    /// Private (or public) key file: PEM or JWK; `-` for stdin.
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// Output encoding.
    #[arg(long, value_enum, default_value = "spki")]
    pub(crate) format: PublicFormat,
}

/// Claim presets.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Profile {
    /// Thales D1 JWT-bearer grant: kid required, iss = sub, aud `stg` or `prd`, exp ≤ 15 min.
    D1,
    /// RFC 7523 client assertion (Worldline / Keycloak `private_key_jwt`): iss = sub, jti.
    ClientAssertion,
    /// No preset: exactly the claims given.
    None,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// Private key file: P-256 (SEC1 or PKCS#8 PEM, or a private JWK) or RSA of 2048 to 4096
    /// bits (PKCS#8 or PKCS#1 PEM; make one with `openssl genpkey -algorithm RSA -pkeyopt
    /// rsa_keygen_bits:2048`).
    #[arg(long)]
    pub(crate) key: PathBuf,
    /// The JWS algorithm. Default: ES256 for a P-256 key, RS256 for an RSA key; PS256 on
    /// request. The d1 profile is always ES256.
    #[arg(long, value_enum)]
    pub(crate) alg: Option<crate::keyfile::Alg>,
    /// `iss`: the issuer id / merchant gateway id / client id.
    #[arg(long)]
    pub(crate) iss: Option<String>,
    /// `sub` (defaults to `iss` in the d1 and client-assertion profiles).
    #[arg(long)]
    pub(crate) sub: Option<String>,
    /// `aud` (repeat for a list): `stg`/`prd` for D1; for client assertions one value, the
    /// issuer or the token endpoint URL.
    ///
    /// With --profile client-assertion a Keycloak-style token endpoint URL
    /// (`…/realms/{realm}/protocol/openid-connect/token`) is replaced by its realm's issuer
    /// (`…/realms/{realm}`), as `bearerkit token` sends it: Keycloak 26.2 refuses several
    /// audiences and plans to accept only the issuer, and OpenID Connect's revised text and
    /// FAPI 2.0 want the issuer as a single string. --aud-exact keeps the URL as given.
    #[arg(long)]
    pub(crate) aud: Vec<String>,
    /// Sign --aud exactly as given (no token-URL-to-issuer replacement with --profile
    /// client-assertion).
    #[arg(long)]
    pub(crate) aud_exact: bool,
    /// Header `kid` (for Worldline: the certificate's SHA-1 fingerprint, or use --kid-from-cert).
    #[arg(long)]
    pub(crate) kid: Option<String>,
    /// Header `kid` from a certificate (PEM or DER): its SHA-1 fingerprint in upper-case hex,
    /// the `kid` Worldline requires (what `bearerkit thumbprint --cert` prints). The
    /// certificate's public key must be --key's (otherwise exit 1, `key_mismatch`).
    #[arg(long, value_name = "FILE", conflicts_with = "kid")]
    pub(crate) kid_from_cert: Option<PathBuf>,
    /// Lifetime: `exp` = now + this many seconds.
    #[arg(long, default_value_t = 300)]
    pub(crate) exp_in: u64,
    /// `jti` (a random one is generated for client assertions when absent).
    #[arg(long)]
    pub(crate) jti: Option<String>,
    /// Header `typ` (the d1 profile sets `JWT`).
    #[arg(long)]
    pub(crate) typ: Option<String>,
    /// Claim preset.
    #[arg(long, value_enum, default_value = "none")]
    pub(crate) profile: Profile,
    /// Private claims as a JSON object, appended after the registered claims.
    #[arg(long)]
    pub(crate) claims: Option<String>,
    /// `iat` and the base of `exp`, seconds since the epoch (default: the system clock).
    #[arg(long)]
    pub(crate) now: Option<u64>,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("verify_key").required(true).args(["key", "cert"]))]
pub(crate) struct VerifyArgs {
    /// Key file, public or private: P-256 (PEM SPKI, SEC1, PKCS#8, or a JWK) or RSA (PEM
    /// SPKI, PKCS#1, PKCS#8, or a JWK); `-` for stdin (then the token must be given as an
    /// argument).
    #[arg(long)]
    pub(crate) key: Option<PathBuf>,
    /// Verify with the public key of this certificate (PEM or DER), P-256 or RSA (the
    /// certificate itself is not validated).
    #[arg(long, value_name = "FILE")]
    pub(crate) cert: Option<PathBuf>,
    /// Accepted algorithm (repeat for several). Default: every algorithm of the key's type,
    /// ES256 for a P-256 key, RS256 and PS256 for an RSA key. The key decides: a token whose
    /// `alg` is not one of them is refused (unsupported_alg).
    #[arg(long, value_enum)]
    pub(crate) alg: Vec<crate::keyfile::Alg>,
    /// Expected `iss`.
    #[arg(long)]
    pub(crate) iss: Option<String>,
    /// Expected audience (`aud` must contain it; repeat to accept any of several). Without
    /// --aud a token that carries `aud` is refused (unexpected_audience), unless
    /// --any-audience is given.
    #[arg(long)]
    pub(crate) aud: Vec<String>,
    /// Do not check `aud` at all (accept any audience, or none). Only when the audience is
    /// checked elsewhere: a token minted for another service would verify.
    #[arg(long, conflicts_with = "aud")]
    pub(crate) any_audience: bool,
    /// Expected `sub`.
    #[arg(long)]
    pub(crate) sub: Option<String>,
    /// Expected header `kid`.
    #[arg(long)]
    pub(crate) kid: Option<String>,
    /// Require a `kid` header.
    #[arg(long)]
    pub(crate) require_kid: bool,
    /// Accepted `typ` values (default `JWT`; repeat or comma-separate).
    #[arg(long, value_delimiter = ',')]
    pub(crate) typ: Vec<String>,
    /// Clock-skew leeway in seconds (at most 3600).
    #[arg(long, default_value_t = bearerkit::DEFAULT_LEEWAY)]
    pub(crate) leeway: u64,
    /// Maximum lifetime `exp − iat` in seconds (makes `iat` required).
    #[arg(long)]
    pub(crate) max_lifetime: Option<u64>,
    /// Latest accepted `exp`, in seconds after now (no leeway).
    #[arg(long)]
    pub(crate) max_expiry_ahead: Option<u64>,
    /// Claims that must be present in addition to `exp`, which is always required
    /// (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub(crate) require: Vec<String>,
    /// Maximum token length in bytes.
    #[arg(long, default_value_t = bearerkit::DEFAULT_MAX_BYTES)]
    pub(crate) max_bytes: usize,
    /// Evaluate at this time, seconds since the epoch (default: the system clock).
    #[arg(long)]
    pub(crate) now: Option<u64>,
    /// The token, or `-` to read it from stdin (not with --key -).
    pub(crate) token: SecretArg,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The token, or `-` to read it from stdin.
    pub(crate) token: SecretArg,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["key", "cert"]))]
pub(crate) struct ThumbprintArgs {
    /// Key file (PEM or JWK): prints its RFC 7638 JWK thumbprint.
    #[arg(long)]
    pub(crate) key: Option<PathBuf>,
    /// Certificate file (PEM or DER): prints its SHA-1 fingerprint (upper-case hex).
    #[arg(long)]
    pub(crate) cert: Option<PathBuf>,
    /// Certificate SHA-1 fingerprint in upper-case hex (the Worldline `kid`; default for --cert).
    #[arg(long, requires = "cert", conflicts_with_all = ["x5t", "x5t_s256", "jwk"])]
    pub(crate) sha1_hex: bool,
    /// Certificate `x5t` (base64url SHA-1).
    #[arg(long, requires = "cert", conflicts_with_all = ["x5t_s256", "jwk"])]
    pub(crate) x5t: bool,
    /// Certificate `x5t#S256` (base64url SHA-256).
    #[arg(long = "x5t-s256", requires = "cert", conflicts_with = "jwk")]
    pub(crate) x5t_s256: bool,
    /// RFC 7638 JWK thumbprint (default for --key; with --cert, of the certificate's public key).
    #[arg(long)]
    pub(crate) jwk: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_requested_by_the_flag_before_a_double_dash() {
        let requested = |args: &[&str]| json_requested(args.iter().map(std::ffi::OsString::from));
        assert!(requested(&["bearerkit", "--json", "keygen"]));
        assert!(requested(&["bearerkit", "keygen", "--format", "pem", "--json"]));
        assert!(!requested(&["bearerkit", "inspect", "--", "--json"]));
        assert!(!requested(&["--json", "keygen"]), "argv[0] is not an argument");
        assert!(!requested(&["bearerkit", "--json=true"]));
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let cli = Cli::try_parse_from([
            "bearerkit",
            "token",
            "--flow",
            "client-credentials",
            "--url",
            "http://127.0.0.1:1/oauth2/token",
            "--client-id",
            "c",
            "--client-secret",
            "hunter2-secret",
        ])
        .unwrap();
        let Command::Token(args) = &cli.command else { panic!("{cli:?}") };
        assert_eq!(args.client_secret.as_ref().map(SecretArg::expose), Some("hunter2-secret"));
        assert!(format!("{args:?}").contains("client_secret: Some(Secret([redacted]))"), "{args:?}");
        for text in [format!("{cli:?}"), format!("{args:?}"), format!("{args:#?}")] {
            assert!(!text.contains("hunter2") && text.contains("[redacted]"), "{text}");
        }
        // Tokens given to verify and inspect are bearer credentials too.
        for cmd in
            [&["inspect", "eyJ.secret-token.sig"][..], &["verify", "--key", "k.pem", "eyJ.secret-token.sig"]]
        {
            let cli = Cli::try_parse_from(["bearerkit"].iter().chain(cmd)).unwrap();
            let text = format!("{cli:?}");
            assert!(!text.contains("secret-token") && text.contains("token: Secret([redacted])"), "{text}");
        }
    }
}
