//! How a command fails: a stable code, a message, an exit status.

use std::process::ExitCode;

/// A failed command. Messages never contain key material, secrets or tokens.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The core refused a token, key or policy (exit 1).
    Rejected(bearerkit::Error),
    /// Something else went wrong: a file, the network, the server (exit 1).
    Failed { code: &'static str, message: String },
    /// The command line is inconsistent in a way clap cannot see (exit 2).
    Usage(String),
}

impl Failure {
    pub(crate) fn failed(code: &'static str, message: impl Into<String>) -> Self {
        Self::Failed { code, message: message.into() }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// The same failure, its message prefixed with `what` (say the flag and client) and,
    /// for a key or certificate the core refused, the file.
    pub(crate) fn context(self, what: &str, file: &std::path::Path) -> Self {
        match self {
            Self::Rejected(e) => {
                Self::Failed { code: e.code(), message: format!("{what}: {}: {e}", file.display()) }
            }
            Self::Failed { code, message } => Self::Failed { code, message: format!("{what}: {message}") },
            Self::Usage(message) => Self::Usage(format!("{what}: {message}")),
        }
    }

    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::Rejected(e) => e.code(),
            Self::Failed { code, .. } => code,
            Self::Usage(_) => "usage",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Rejected(e) => e.to_string(),
            Self::Failed { message, .. } | Self::Usage(message) => message.clone(),
        }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            Self::Usage(_) => ExitCode::from(2),
            _ => ExitCode::from(1),
        }
    }

    /// Print to stderr, as text or JSON.
    pub(crate) fn report(&self, json: bool) {
        if json {
            let doc = serde_json::json!({ "ok": false, "error": { "code": self.code(), "message": self.message() } });
            eprintln!("{doc}");
        } else {
            eprintln!("error: {} ({})", self.message(), self.code());
        }
    }
}

impl From<bearerkit::Error> for Failure {
    fn from(e: bearerkit::Error) -> Self {
        Self::Rejected(e)
    }
}
