"""TokenClient and AsyncTokenClient against `bearerkit serve` on 127.0.0.1: each flow, the cache,
an OAuth error, single flight across threads and across awaits, RSA client assertions."""
import asyncio
import datetime
import json
import threading
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

import bearerkit
from conftest import Served

REALM = "openbanking"
CLIENT = "Worldline-000021"
SECRET = "realm-secret-value"
OUT_CLIENT = "d1-outbound"
OUT_SECRET = "outbound-secret-value"


def self_signed(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CLIENT)])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256())).public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A server with a D1 issuer, an outbound client, and a realm with a secret client, an EC
    certificate client and an RSA certificate client."""
    d = tmp_path_factory.mktemp("serve")
    d1_key = bearerkit.SigningKey.generate()
    (d / "d1.pem").write_text(d1_key.public_key.to_pem())
    (d / "out.txt").write_text(OUT_SECRET)
    (d / "realm.txt").write_text(SECRET)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_cert = self_signed(ec_key)
    (d / "ec-cert.pem").write_text(ec_cert)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_cert = self_signed(rsa_key)
    (d / "rsa-cert.pem").write_text(rsa_cert)
    server = Served(
        "--d1-key", f"MGW_1:prd:k1:{d / 'd1.pem'}", "--d1-scope", "MGW_1:d1-api:read",
        "--outbound-client", f"{OUT_CLIENT}:{d / 'out.txt'}", "--outbound-scopes", f"{OUT_CLIENT}:issuer-api",
        "--realm-client", f"{REALM}:{CLIENT}:{d / 'realm.txt'}",
        "--realm-cert-client", f"{REALM}:{CLIENT}:{d / 'ec-cert.pem'}",
        "--realm-cert-client", f"{REALM}:rsa-client:{d / 'rsa-cert.pem'}",
        "--realm-scopes", f"{REALM}:{CLIENT}:VOP,WERO", "--realm-scopes", f"{REALM}:rsa-client:VOP",
    )
    pem = lambda k: k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    yield {
        "server": server, "d1_key": d1_key,
        "ec_key": bearerkit.SigningKey.from_pem(pem(ec_key)), "ec_cert": ec_cert,
        "rsa_key": bearerkit.RsaSigningKey.from_pem(pem(rsa_key)), "rsa_cert": rsa_cert,
        "kc_url": f"{server.url}/auth/realms/{REALM}/protocol/openid-connect/token",
    }
    server.close()


def requests(world):
    return world["server"].stats()["token_requests"]


def delay_next(world, millis):
    body = json.dumps({"kind": "delay", "millis": millis}).encode()
    req = urllib.request.Request(f"{world['server'].url}/_test/faults", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status in (200, 204)


def test_every_flow_gets_a_token_and_the_cache_is_reused(world):
    url = world["server"].url
    flows = [
        (f"{url}/authz/v1/oauth2/token", bearerkit.D1Grant("MGW_1", "prd", "k1", world["d1_key"]), "d1-api:read"),
        (f"{url}/oauth2/token", bearerkit.ClientSecret(OUT_CLIENT, OUT_SECRET), "issuer-api"),
        (world["kc_url"], bearerkit.ClientSecret(CLIENT, SECRET, method="post"), "VOP WERO"),
        (world["kc_url"], bearerkit.PrivateKeyJwt(CLIENT, world["ec_key"], certificate=world["ec_cert"]), "VOP WERO"),
        (world["kc_url"], bearerkit.PrivateKeyJwt("rsa-client", world["rsa_key"], certificate=world["rsa_cert"]), "VOP"),
        (world["kc_url"], bearerkit.PrivateKeyJwt("rsa-client", world["rsa_key"], certificate=world["rsa_cert"],
                                                  algorithm="PS256"), "VOP"),
    ]
    for endpoint, auth, scope in flows:
        client = bearerkit.TokenClient(endpoint, auth)
        before = requests(world)
        first = client.token()
        assert first.token_type == "Bearer" and first.scope == scope and first.expires_in > 0
        assert first.access_token and first.access_token not in repr(first) and first.access_token not in str(first)
        assert first.authorization == f"Bearer {first.access_token}"
        assert "access_token" not in first.response and first.response["token_type"] == "Bearer"
        again = client.token()
        assert again.access_token == first.access_token, "the cached token is reused"
        assert requests(world) == before + 1
        client.invalidate()
        assert client.token().access_token != first.access_token
        assert requests(world) == before + 2
    assert bearerkit.PrivateKeyJwt("rsa-client", world["rsa_key"]).algorithm == "RS256"
    assert bearerkit.PrivateKeyJwt("c", world["ec_key"]).audience_for(world["kc_url"]) == \
        world["kc_url"].rsplit("/protocol/", 1)[0]


def test_oauth_errors_are_typed(world):
    client = bearerkit.TokenClient(world["kc_url"], bearerkit.ClientSecret(CLIENT, "wrong", method="post"),
                                   max_attempts=1)
    with pytest.raises(bearerkit.OAuthError) as e:
        client.token()
    assert (e.value.code, e.value.error, e.value.status) == ("invalid_client", "invalid_client", 400)
    assert "wrong" not in str(e.value)
    assert isinstance(e.value, bearerkit.TokenClientError) and e.value.attempts == 1
    scoped = bearerkit.TokenClient(world["kc_url"], bearerkit.ClientSecret(CLIENT, SECRET, method="post"),
                                   scope="VOP IDEAL")
    with pytest.raises(bearerkit.OAuthError) as e:
        scoped.token()
    assert e.value.error == "invalid_scope" and e.value.description == "Invalid scopes: IDEAL"
    # The certificate must carry the key.
    with pytest.raises(bearerkit.InvalidKey) as e:
        bearerkit.PrivateKeyJwt(CLIENT, world["ec_key"], certificate=world["rsa_cert"])
    assert e.value.code == "key_mismatch"
    with pytest.raises(bearerkit.ConfigError) as e:
        bearerkit.TokenClient("http://example.com/token", bearerkit.ClientSecret("a", "b"))
    assert e.value.code == "invalid_config"
    with pytest.raises(bearerkit.TransportError) as e:
        bearerkit.TokenClient("http://127.0.0.1:9/token", bearerkit.ClientSecret("a", "b"), max_attempts=1).token()
    assert e.value.code == "transport"


def test_eight_threads_share_one_request(world):
    client = bearerkit.TokenClient(world["kc_url"], bearerkit.ClientSecret(CLIENT, SECRET, method="post"))
    delay_next(world, 400)
    before = requests(world)
    barrier = threading.Barrier(8)
    tokens, errors = [], []

    def fetch():
        barrier.wait()
        try:
            tokens.append(client.token().access_token)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(tokens) == 8 and len(set(tokens)) == 1
    assert requests(world) == before + 1


def test_fifty_awaits_share_one_request(world):
    client = bearerkit.AsyncTokenClient(world["kc_url"], bearerkit.PrivateKeyJwt(
        CLIENT, world["ec_key"], certificate=world["ec_cert"]))
    delay_next(world, 400)
    before = requests(world)

    async def main():
        return await asyncio.gather(*(client.token() for _ in range(50)))

    tokens = asyncio.run(main())
    assert len({t.access_token for t in tokens}) == 1
    assert requests(world) == before + 1

    async def refused():
        bad = bearerkit.AsyncTokenClient(world["kc_url"], bearerkit.ClientSecret(CLIENT, "nope", method="post"),
                                         max_attempts=1)
        await bad.token()

    with pytest.raises(bearerkit.OAuthError) as e:
        asyncio.run(refused())
    assert e.value.error == "invalid_client"


def test_mutual_tls_with_extra_roots(tmp_path):
    """HTTPS with a client certificate: the server trusts a test CA for clients, the client
    trusts it for the server (root_certificates), and a client without its certificate is refused."""
    from cryptography.x509.oid import ExtendedKeyUsageOID
    import ipaddress

    now = datetime.datetime.now(datetime.timezone.utc)

    def cert(subject, key, issuer_name, issuer_key, *, ca=False, server=False):
        b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
             .issuer_name(issuer_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if server:
            b = b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                critical=False).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        elif not ca:
            b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    def pem(obj):
        if isinstance(obj, x509.Certificate):
            return obj.public_bytes(serialization.Encoding.PEM).decode()
        return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bearerkit test CA")])
    ca = cert("bearerkit test CA", ca_key, ca_name, ca_key, ca=True)
    server_key, client_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    server_cert = cert("127.0.0.1", server_key, ca_name, ca_key, server=True)
    client_cert = cert("client", client_key, ca_name, ca_key)
    files = {"ca.pem": pem(ca), "server.pem": pem(server_cert) + pem(ca), "server-key.pem": pem(server_key),
             "out.txt": OUT_SECRET}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    server = Served("--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server-key.pem"),
                    "--client-ca", str(tmp_path / "ca.pem"),
                    "--outbound-client", f"{OUT_CLIENT}:{tmp_path / 'out.txt'}")
    try:
        assert server.url.startswith("https://")
        url = f"{server.url}/oauth2/token"
        auth = bearerkit.ClientSecret(OUT_CLIENT, OUT_SECRET)
        token = bearerkit.TokenClient(url, auth, root_certificates=[pem(ca)], client_certificate=pem(client_cert),
                                      client_key=pem(client_key), correlation_id="py-mtls-1").token()
        assert token.token_type == "Bearer"
        with pytest.raises(bearerkit.TransportError) as e:
            bearerkit.TokenClient(url, auth, root_certificates=[pem(ca)], max_attempts=1).token()
        assert e.value.code in ("tls", "transport"), e.value
        # Without the test CA the server's certificate is not trusted: a TLS error, not retried.
        with pytest.raises(bearerkit.TransportError) as e:
            bearerkit.TokenClient(url, auth, client_certificate=pem(client_cert), client_key=pem(client_key)).token()
        assert e.value.code == "tls" and e.value.attempts == 1
    finally:
        server.close()
