"""Type stubs of the Rust extension `bearerkit._bearerkit` (re-exported by `bearerkit`)."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, final

from typing_extensions import Self, TypeAlias

__version__: str
__all__ = [
    "__version__",
    "BearerkitError",
    "InvalidKey",
    "InvalidToken",
    "ExpiredToken",
    "NotYetValid",
    "ClaimMismatch",
    "InvalidPolicy",
    "SigningError",
    "TokenClientError",
    "OAuthError",
    "TransportError",
    "RateLimited",
    "ConfigError",
    "InvalidArgument",
    "SigningKey",
    "VerifyingKey",
    "KeySet",
    "RsaSigningKey",
    "ExternalSigner",
    "CertificateThumbprints",
    "certificate_thumbprints",
    "jwk_thumbprint",
    "Assertion",
    "sign_assertion",
    "d1_assertion",
    "client_assertion",
    "VerifiedToken",
    "UnverifiedToken",
    "verify",
    "verify_d1_assertion",
    "verify_client_assertion",
    "decode_unverified",
    "D1Grant",
    "ClientSecret",
    "PrivateKeyJwt",
    "Token",
    "TokenClient",
    "AsyncTokenClient",
    "_bench_core_verify_d1",
    "_bench_core_sign_d1",
]

_JsonObject: TypeAlias = dict[str, Any]
_Audience: TypeAlias = str | Sequence[str]

# ---- errors ----------------------------------------------------------------------------------

class BearerkitError(Exception):
    """Base class of every bearerkit error; `code` is the stable snake_case code."""

    code: str

class InvalidArgument(BearerkitError, ValueError):
    """An argument the API refuses (`invalid_argument`); also a ValueError."""

class InvalidKey(BearerkitError):
    """A key, JWK or certificate could not be read (bad_pem, wrong_curve, rsa_key_size, ...)."""

class InvalidToken(BearerkitError):
    """Verification refused the token (format, JSON, header, signature or claims)."""

class ExpiredToken(InvalidToken):
    """`expired`."""

class NotYetValid(InvalidToken):
    """`not_yet_valid` or `issued_in_future`."""

class ClaimMismatch(InvalidToken):
    """A claim or header value differs from the policy (issuer_mismatch, unexpected_audience, ...)."""

class InvalidPolicy(BearerkitError):
    """The verification policy is unusable (`invalid_policy`)."""

class SigningError(BearerkitError):
    """An assertion could not be signed (date_out_of_range, claims_not_object, signer_failed)."""

class TokenClientError(BearerkitError):
    """Base class of the token client's errors."""

    attempts: int

class OAuthError(TokenClientError):
    """An RFC 6749 error answer of the token endpoint."""

    error: str
    description: str | None
    uri: str | None
    status: int

class TransportError(TokenClientError):
    """No usable answer: transport, tls, timeout, unexpected_response, response_too_large."""

    status: int | None

class RateLimited(TokenClientError):
    """HTTP 429 until the retries gave up."""

    retry_after: float | None
    status: int

class ConfigError(BearerkitError):
    """The token client's configuration is unusable (`invalid_config`)."""

# ---- keys ------------------------------------------------------------------------------------

@final
class VerifyingKey:
    """A P-256 public key that verifies ES256; prepared (precomputed tables) on its fourth use."""

    @staticmethod
    def from_pem(pem: str | bytes) -> VerifyingKey: ...
    @staticmethod
    def from_jwk(jwk: Mapping[str, Any] | str) -> VerifyingKey: ...
    @staticmethod
    def from_spki_der(der: bytes) -> VerifyingKey: ...
    @staticmethod
    def from_sec1_bytes(point: bytes) -> VerifyingKey: ...
    def to_pem(self) -> str: ...
    def to_spki_der(self) -> bytes: ...
    def to_sec1_bytes(self) -> bytes: ...
    def to_jwk(self) -> _JsonObject: ...
    def thumbprint(self) -> str: ...
    def prepare(self) -> None: ...
    @property
    def is_prepared(self) -> bool: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class SigningKey:
    """A P-256 private key that signs ES256 (RFC 6979)."""

    @staticmethod
    def generate() -> SigningKey: ...
    @staticmethod
    def from_pem(pem: str | bytes) -> SigningKey: ...
    @staticmethod
    def from_jwk(jwk: Mapping[str, Any] | str) -> SigningKey: ...
    @staticmethod
    def from_sec1_der(der: bytes) -> SigningKey: ...
    @staticmethod
    def from_pkcs8_der(der: bytes) -> SigningKey: ...
    def to_pem(self, format: Literal["pkcs8", "sec1"] = "pkcs8") -> str: ...
    def to_pkcs8_der(self) -> bytes: ...
    def to_jwk(self) -> _JsonObject: ...
    @property
    def public_key(self) -> VerifyingKey: ...
    def thumbprint(self) -> str: ...

@final
class RsaSigningKey:
    """An RSA private key (2048 to 4096 bits) that signs RS256 or PS256."""

    @staticmethod
    def from_pem(pem: str | bytes) -> RsaSigningKey: ...
    @property
    def modulus_bits(self) -> int: ...
    def public_jwk(self) -> _JsonObject: ...
    def thumbprint(self) -> str: ...

@final
class ExternalSigner:
    """An ES256 signer whose key is elsewhere: `sign(message) -> signature` (raw 64 bytes or DER)."""

    def __new__(
        cls, sign: Callable[[bytes], bytes]) -> Self: ...

@final
class KeySet:
    """Verifying keys chosen by the token's `kid`."""

    def __new__(
        cls, keys: Mapping[str, VerifyingKey]) -> Self: ...
    def kids(self) -> list[str]: ...
    def __len__(self) -> int: ...

@final
class CertificateThumbprints:
    sha1_hex: str
    x5t: str
    x5t_s256: str

def certificate_thumbprints(cert: str | bytes) -> CertificateThumbprints: ...
def jwk_thumbprint(key: VerifyingKey | SigningKey | RsaSigningKey | Mapping[str, Any] | str) -> str: ...

_AnySigner: TypeAlias = SigningKey | RsaSigningKey | ExternalSigner

# ---- signing ---------------------------------------------------------------------------------

@final
class Assertion:
    """The members of a JWT assertion, exactly as given (no `iat` unless given)."""

    def __new__(
        cls,
        *,
        iss: str | None = None,
        sub: str | None = None,
        aud: _Audience | None = None,
        exp: int | None = None,
        expires_in: int | None = None,
        nbf: int | None = None,
        iat: int | None = None,
        jti: str | None = None,
        kid: str | None = None,
        typ: str | None = None,
        claims: Mapping[str, Any] | str | None = None,
    ) -> Self: ...
    def sign(self, key: _AnySigner, *, algorithm: Literal["ES256", "RS256", "PS256"] | None = None) -> str: ...

def sign_assertion(
    key: _AnySigner,
    *,
    iss: str | None = None,
    sub: str | None = None,
    aud: _Audience | None = None,
    expires_in: int | None = None,
    exp: int | None = None,
    now: int | None = None,
    nbf: int | None = None,
    jti: str | None = None,
    kid: str | None = None,
    typ: str | None = None,
    claims: Mapping[str, Any] | str | None = None,
    algorithm: Literal["ES256", "RS256", "PS256"] | None = None,
) -> str: ...
def d1_assertion(
    key: SigningKey | ExternalSigner,
    *,
    issuer_id: str,
    env: Literal["stg", "prd", "staging", "production"],
    kid: str,
    now: int | None = None,
    expires_in: int | None = None,
    jti: str | None = None,
) -> str: ...
def client_assertion(
    key: _AnySigner,
    *,
    client_id: str,
    audience: str,
    kid: str | None = None,
    now: int | None = None,
    expires_in: int | None = None,
    jti: str | None = None,
    algorithm: Literal["ES256", "RS256", "PS256"] | None = None,
) -> str: ...

# ---- verification ----------------------------------------------------------------------------

@final
class VerifiedToken:
    @property
    def header(self) -> _JsonObject: ...
    @property
    def claims(self) -> _JsonObject: ...
    @property
    def header_json(self) -> str: ...
    @property
    def claims_json(self) -> str: ...

@final
class UnverifiedToken:
    @property
    def header(self) -> _JsonObject: ...
    @property
    def claims(self) -> _JsonObject: ...
    @property
    def signature_len(self) -> int: ...

def verify(
    token: str,
    key: VerifyingKey | KeySet,
    *,
    issuer: str | None = None,
    audience: _Audience | None = None,
    any_audience: bool = False,
    subject: str | None = None,
    kid: str | None = None,
    require_kid: bool = False,
    typ: Sequence[str] | None = None,
    leeway: int | None = None,
    max_lifetime: int | None = None,
    max_expiry_ahead: int | None = None,
    required: Sequence[str] | None = None,
    max_bytes: int | None = None,
    now: int | None = None,
    issuer_equals_subject: bool = False,
    sole_audience: bool = False,
    audience_as_string: bool = False,
    dangerous_allow_missing_exp: bool = False,
) -> VerifiedToken: ...
def verify_d1_assertion(
    token: str,
    key: VerifyingKey | KeySet,
    *,
    issuer_id: str,
    env: Literal["stg", "prd", "staging", "production"],
    kid: str,
    now: int | None = None,
    leeway: int | None = None,
) -> VerifiedToken: ...
def verify_client_assertion(
    token: str,
    key: VerifyingKey | KeySet,
    *,
    client_id: str,
    audience: _Audience,
    now: int | None = None,
    leeway: int | None = None,
    max_lifetime: int | None = None,
    kid: str | None = None,
) -> VerifiedToken: ...
def decode_unverified(token: str) -> UnverifiedToken: ...

# ---- token client ----------------------------------------------------------------------------

@final
class D1Grant:
    def __new__(
        cls,
        issuer_id: str,
        env: Literal["stg", "prd", "staging", "production"],
        kid: str,
        key: SigningKey | ExternalSigner,
        *,
        lifetime: int | None = None,
    ) -> Self: ...

@final
class ClientSecret:
    def __new__(
        cls, client_id: str, secret: str, *, method: Literal["basic", "post"] = "basic") -> Self: ...

@final
class PrivateKeyJwt:
    def __new__(
        cls,
        client_id: str,
        key: _AnySigner,
        *,
        kid: str | None = None,
        certificate: str | bytes | None = None,
        issuer: str | None = None,
        discover_issuer: bool = False,
        audience: str | None = None,
        lifetime: int | None = None,
        algorithm: Literal["ES256", "RS256", "PS256"] | None = None,
    ) -> Self: ...
    @property
    def algorithm(self) -> str: ...
    def audience_for(self, token_endpoint: str) -> str: ...

_Auth: TypeAlias = D1Grant | ClientSecret | PrivateKeyJwt

@final
class Token:
    @property
    def access_token(self) -> str: ...
    @property
    def token_type(self) -> str: ...
    @property
    def scope(self) -> str | None: ...
    @property
    def expires_in(self) -> int: ...
    @property
    def remaining(self) -> float: ...
    @property
    def is_expired(self) -> bool: ...
    @property
    def authorization(self) -> str: ...
    @property
    def response(self) -> _JsonObject: ...

@final
class TokenClient:
    def __new__(
        cls,
        url: str,
        auth: _Auth,
        *,
        scope: str | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        max_attempts: int | None = None,
        max_elapsed: float | None = None,
        proxy: str | None = None,
        root_certificates: Sequence[str] | None = None,
        only_given_roots: bool = False,
        client_certificate: str | None = None,
        client_key: str | None = None,
        correlation_id: str | None = None,
        json_body: bool = False,
        headers: Mapping[str, str] | None = None,
        insecure_transport: bool = False,
        refresh_margin: float | None = None,
    ) -> Self: ...
    def token(self) -> Token: ...
    def invalidate(self) -> None: ...

@final
class AsyncTokenClient:
    def __new__(
        cls,
        url: str,
        auth: _Auth,
        *,
        scope: str | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        max_attempts: int | None = None,
        max_elapsed: float | None = None,
        proxy: str | None = None,
        root_certificates: Sequence[str] | None = None,
        only_given_roots: bool = False,
        client_certificate: str | None = None,
        client_key: str | None = None,
        correlation_id: str | None = None,
        json_body: bool = False,
        headers: Mapping[str, str] | None = None,
        insecure_transport: bool = False,
        refresh_margin: float | None = None,
    ) -> Self: ...
    def token(self) -> Awaitable[Token]: ...
    def invalidate(self) -> None: ...

# ---- private: the benchmark's baseline (the same core call timed inside the extension) ------

def _bench_core_verify_d1(
    token: str, key: VerifyingKey, issuer_id: str, env: str, kid: str, now: int, n: int
) -> int: ...
def _bench_core_sign_d1(key: SigningKey, issuer_id: str, env: str, kid: str, now: int, jti: str, n: int) -> int: ...
