"""bearerkit from Python, end to end without a network: a D1 assertion signed and checked with
D1's own rules, a Worldline client assertion, a token verified with the core's defaults, and
the error codes of refused tokens.

    python bindings/python/examples/quickstart.py

Type-checked with `mypy --strict` by the test command.
"""

import bearerkit


def main() -> None:
    key = bearerkit.SigningKey.generate()
    public: bearerkit.VerifyingKey = key.public_key

    # Thales D1 inbound: iss = sub = the issuer id, aud "prd", kid, typ JWT, 5 minutes.
    d1 = bearerkit.d1_assertion(key, issuer_id="MGW_ID_0001", env="prd", kid="k1")
    checked = bearerkit.verify_d1_assertion(d1, public, issuer_id="MGW_ID_0001", env="prd", kid="k1")
    print("D1 assertion accepted, claims:", checked.claims)

    # Worldline / Keycloak: a client assertion for the realm issuer.
    issuer = "https://example-domain/auth/realms/example-realm"
    ca = bearerkit.client_assertion(key, client_id="Worldline-000021", audience=issuer)
    accepted = bearerkit.verify_client_assertion(ca, public, client_id="Worldline-000021", audience=issuer)
    print("client assertion accepted, aud:", accepted.claims["aud"])

    # Any other assertion, verified with the core's defaults plus what the caller expects.
    token = bearerkit.sign_assertion(key, iss="me", aud="api", expires_in=60, claims={"role": "test"})
    claims = bearerkit.verify(token, public, issuer="me", audience="api").claims
    print("verified:", claims["role"])

    # Refusals carry a stable code and a class per family.
    try:
        bearerkit.verify(token, public)  # no audience named: aud is unexpected
    except bearerkit.ClaimMismatch as e:
        print("refused:", e.code)
    try:
        bearerkit.verify(token, bearerkit.SigningKey.generate().public_key, audience="api")
    except bearerkit.InvalidToken as e:
        print("refused:", e.code)


if __name__ == "__main__":
    main()
