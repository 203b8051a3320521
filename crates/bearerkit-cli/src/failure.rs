//! How a command fails: a stable code, a message, an exit status.
//!
//! The CLI's own failures carry a [`Code`]; a key, token or policy the core refuses keeps
//! the core's code (`bad_pem`, `expired`, ...), and a failed token request the token
//! client's (`invalid_client`, `transport`, ...).

use std::process::ExitCode;

/// The CLI's own failure codes, each with its stable snake_case string and exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    /// `usage` (exit 2): the command line is inconsistent in a way clap cannot see.
    Usage,
    /// `io_error`: a file or stdin cannot be read, or a file cannot be written.
    IoError,
    /// `bad_config`: the server's configuration (file, flags or both) is unusable.
    BadConfig,
    /// `bad_certificate`: a certificate cannot be read as X.509, or made (the demo's).
    BadCertificate,
    /// `transport`: the demo's HTTP client cannot be built or its request not sent.
    Transport,
    /// `server_error`: the server cannot start (the address cannot be bound, ...).
    ServerError,
    /// `runtime`: the async runtime cannot start.
    Runtime,
    /// `signal`: `serve` cannot wait for Ctrl-C.
    Signal,
    /// `demo_failed`: a demo step did not behave as expected.
    DemoFailed,
}

impl Code {
    /// Every code, for the tests.
    #[cfg(test)]
    const ALL: [Self; 9] = [
        Self::Usage,
        Self::IoError,
        Self::BadConfig,
        Self::BadCertificate,
        Self::Transport,
        Self::ServerError,
        Self::Runtime,
        Self::Signal,
        Self::DemoFailed,
    ];

    /// The stable string printed in messages and JSON errors.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Usage => "usage",
            Self::IoError => "io_error",
            Self::BadConfig => "bad_config",
            Self::BadCertificate => "bad_certificate",
            Self::Transport => "transport",
            Self::ServerError => "server_error",
            Self::Runtime => "runtime",
            Self::Signal => "signal",
            Self::DemoFailed => "demo_failed",
        }
    }

    /// The process exit status: 2 for usage, 1 for everything else.
    pub(crate) const fn exit_status(self) -> u8 {
        match self {
            Self::Usage => 2,
            _ => 1,
        }
    }
}

/// Whose code a failure carries.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// One of the CLI's own.
    Cli(Code),
    /// The core's (exit 1).
    Core(bearerkit::Error),
    /// The token client's (exit 1).
    Client(&'static str),
    /// `bearerkit-rsa`'s, for an RSA key or certificate (exit 1).
    Rsa(bearerkit_rsa::Error),
}

/// A failed command. Messages never contain key material, secrets or tokens.
#[derive(Debug)]
pub(crate) struct Failure {
    origin: Origin,
    message: String,
}

impl Failure {
    /// A failure with one of the CLI's codes.
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Self { origin: Origin::Cli(code), message: message.into() }
    }

    /// A usage error (exit 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Code::Usage, message)
    }

    /// The core's refusal `error`, with a message of the CLI's.
    pub(crate) fn core(error: bearerkit::Error, message: impl Into<String>) -> Self {
        Self { origin: Origin::Core(error), message: message.into() }
    }

    /// The same failure, its message prefixed with `what` (say the flag and client) and,
    /// for a key or certificate the core refused, the file.
    pub(crate) fn context(self, what: &str, file: &std::path::Path) -> Self {
        let message = match self.origin {
            Origin::Core(_) | Origin::Rsa(_) => format!("{what}: {}: {}", file.display(), self.message),
            _ => format!("{what}: {}", self.message),
        };
        Self { message, ..self }
    }

    /// The same failure with its message rewritten.
    pub(crate) fn map_message(self, f: impl FnOnce(&str) -> String) -> Self {
        Self { message: f(&self.message), ..self }
    }

    pub(crate) fn code(&self) -> &'static str {
        match self.origin {
            Origin::Cli(code) => code.as_str(),
            Origin::Core(e) => e.code(),
            Origin::Client(code) => code,
            Origin::Rsa(e) => e.code(),
        }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        match self.origin {
            Origin::Cli(code) => ExitCode::from(code.exit_status()),
            Origin::Core(_) | Origin::Client(_) | Origin::Rsa(_) => ExitCode::from(1),
        }
    }

    /// Print to stderr, as text or JSON.
    pub(crate) fn report(&self, json: bool) {
        if json {
            let doc =
                serde_json::json!({ "ok": false, "error": { "code": self.code(), "message": self.message } });
            eprintln!("{doc}");
        } else {
            eprintln!("error: {} ({})", self.message, self.code());
        }
    }
}

/// A command line clap refused: a usage error (exit 2) whose message is clap's, on one line,
/// without its "error: " prefix, usage and "try --help" tail.
impl From<&clap::Error> for Failure {
    fn from(e: &clap::Error) -> Self {
        let text = e.render().to_string();
        let text = text.trim_start().strip_prefix("error:").unwrap_or(&text);
        let first = text.split("\n\n").next().unwrap_or_default();
        let message: Vec<&str> = first.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        Self::usage(message.join(" "))
    }
}

impl From<bearerkit::Error> for Failure {
    fn from(e: bearerkit::Error) -> Self {
        Self::core(e, e.to_string())
    }
}

impl From<bearerkit_rsa::Error> for Failure {
    fn from(e: bearerkit_rsa::Error) -> Self {
        Self { origin: Origin::Rsa(e), message: e.to_string() }
    }
}

/// A token client error: its stable code and its (secret-free) message; an assertion the
/// core refused to sign keeps the core's code.
impl From<bearerkit_client::Error> for Failure {
    fn from(e: bearerkit_client::Error) -> Self {
        match e.kind() {
            bearerkit_client::ErrorKind::Assertion(core) => Self::from(*core),
            bearerkit_client::ErrorKind::RsaKey(rsa) => Self::from(*rsa),
            _ => Self { origin: Origin::Client(e.code()), message: e.to_string() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_are_distinct_snake_case_and_only_usage_exits_2() {
        let strings: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        for (i, s) in strings.iter().enumerate() {
            assert!(!s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s}");
            assert!(!strings[..i].contains(s), "{s} twice");
        }
        for code in Code::ALL {
            assert_eq!(code.exit_status(), if code == Code::Usage { 2 } else { 1 }, "{code:?}");
        }
    }
}
