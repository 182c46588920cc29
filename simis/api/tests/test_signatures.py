"""RFC 9421 signature bases and RFC 9530 digests, byte for byte, against the RFCs' own examples
(Appendix B test keys and signatures) and hand-built bases. No database."""

from __future__ import annotations

import base64
from pathlib import Path

import http_sfv
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa

from simis.api import signatures as sig

# RFC 9421 Appendix B.1.4, "test-key-ed25519".
RFC_ED25519_PRIVATE = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
RFC_ED25519_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""
# RFC 9421 Appendix B.1.3, "test-key-ecc-p256" (public half).
RFC_P256_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----
"""

# The request and response of RFC 9421 Appendix B.2.
RFC_REQUEST = sig.HttpMessage(
    method="POST",
    target_uri="https://example.com/foo?param=Value&Pet=dog",
    headers=sig.headers_normalise(
        [
            ("Host", "example.com"),
            ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("Content-Type", "application/json"),
            (
                "Content-Digest",
                "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
            ),
            ("Content-Length", "18"),
        ]
    ),
)
RFC_RESPONSE = sig.HttpMessage(
    status=200,
    headers=sig.headers_normalise(
        [
            ("Date", "Tue, 20 Apr 2021 02:07:56 GMT"),
            ("Content-Type", "application/json"),
            (
                "Content-Digest",
                "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:",
            ),
            ("Content-Length", "23"),
        ]
    ),
)


def _public(pem: bytes):
    return serialization.load_pem_public_key(pem)


# --- The RFC's own examples -------------------------------------------------------------------


def test_b26_ed25519_signature_base_and_signature_are_the_rfcs_byte_for_byte():
    """RFC 9421 B.2.6: Ed25519 is deterministic, so our signature must equal the RFC's."""
    key = sig.private_key_load(RFC_ED25519_PRIVATE)
    components = [
        sig.component(name)
        for name in ("date", "@method", "@path", "@authority", "content-type", "content-length")
    ]
    params = sig.SignatureParameters(created=1618884473, keyid="test-key-ed25519")
    covered = sig.covered_components(components, params)
    expected_base = (
        b'"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
        b'"@method": POST\n'
        b'"@path": /foo\n'
        b'"@authority": example.com\n'
        b'"content-type": application/json\n'
        b'"content-length": 18\n'
        b'"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")'
        b';created=1618884473;keyid="test-key-ed25519"'
    )
    assert sig.signature_base(RFC_REQUEST, covered) == expected_base

    fields = sig.message_sign(RFC_REQUEST, components, params, key, label="sig-b26")
    assert fields["Signature-Input"] == (
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length")'
        ';created=1618884473;keyid="test-key-ed25519"'
    )
    assert fields["Signature"] == (
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"
    )
    received = sig.signature_parse(fields["Signature-Input"], fields["Signature"])
    sig.message_verify(RFC_REQUEST, received, _public(RFC_ED25519_PUBLIC))


def test_b24_ecdsa_p256_response_signature_from_the_rfc_verifies():
    """RFC 9421 B.2.4: a response signed with ecdsa-p256-sha256 (r‖s, not DER)."""
    received = sig.signature_parse(
        'sig-b24=("@status" "content-type" "content-digest" "content-length")'
        ';created=1618884473;keyid="test-key-ecc-p256"',
        "sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:",
    )
    assert sig.signature_base(RFC_RESPONSE, received.covered) == (
        b'"@status": 200\n'
        b'"content-type": application/json\n'
        b'"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29'
        b"l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:\n"
        b'"content-length": 23\n'
        b'"@signature-params": ("@status" "content-type" "content-digest" "content-length")'
        b';created=1618884473;keyid="test-key-ecc-p256"'
    )
    sig.message_verify(RFC_RESPONSE, received, _public(RFC_P256_PUBLIC))
    tampered = sig.HttpMessage(status=201, headers=RFC_RESPONSE.headers)
    with pytest.raises(sig.SignatureError) as refused:
        sig.message_verify(tampered, received, _public(RFC_P256_PUBLIC))
    assert refused.value.problem is sig.Problem.INVALID


def test_content_digest_matches_rfc_9530_examples():
    assert (
        sig.content_digest(b'{"hello": "world"}') == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    )
    assert sig.content_digest(b'{"hello": "world"}', "sha-512") == (
        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
    )
    assert sig.content_digest(b'{"message": "good dog"}', "sha-512") == RFC_RESPONSE.headers["content-digest"]


def test_derived_components_follow_rfc_9421_section_2_2():
    request = sig.HttpMessage(
        method="POST", target_uri="https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman"
    )
    values = {
        name: sig.component_value(request, sig.component(name))
        for name in ("@method", "@target-uri", "@authority", "@scheme", "@request-target", "@path", "@query")
    }
    assert values == {
        "@method": "POST",
        "@target-uri": "https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman",
        "@authority": "www.example.com",
        "@scheme": "https",
        "@request-target": "/path?param=value&foo=bar&baz=bat%2Dman",
        "@path": "/path",
        "@query": "?param=value&foo=bar&baz=bat%2Dman",
    }
    bare = sig.HttpMessage(method="GET", target_uri="http://WWW.Example.com:80")
    assert sig.component_value(bare, sig.component("@query")) == "?"
    assert sig.component_value(bare, sig.component("@path")) == "/"
    assert sig.component_value(bare, sig.component("@authority")) == "www.example.com"
    odd_port = sig.HttpMessage(method="GET", target_uri="https://example.com:8443/x")
    assert sig.component_value(odd_port, sig.component("@authority")) == "example.com:8443"


def test_a_dictionary_member_is_its_serialised_value_rfc_9421_section_2_1_2():
    message = sig.HttpMessage(headers={"example-dict": " a=1,    b=2;x=1;y=2,   c=(a   b   c)"})
    values = [sig.component_value(message, sig.component("example-dict", key=key)) for key in "abc"]
    assert values == ["1", "2;x=1;y=2", "(a b c)"]


def test_header_lines_are_trimmed_and_combined_rfc_9421_section_2_1():
    combined = sig.headers_normalise(
        [("X-OWS-Header", "   Leading and trailing whitespace.   "), ("X-Obs", "a"), ("x-obs", " b")]
    )
    assert combined == {"x-ows-header": "Leading and trailing whitespace.", "x-obs": "a, b"}


def test_a_response_covers_request_components_with_req():
    request = sig.HttpMessage(
        method="POST", target_uri="https://simis.example/api/v1/echo", headers={"signature": "sig1=:AAEC:"}
    )
    response = sig.HttpMessage(status=200, headers={"content-digest": "sha-256=:x:"}, request=request)
    covered = sig.covered_components(
        [
            sig.component("@status"),
            sig.component("@method", req=True),
            sig.component("signature", req=True, key="sig1"),
        ],
        sig.SignatureParameters(created=1, keyid="k"),
    )
    assert sig.signature_base(response, covered) == (
        b'"@status": 200\n'
        b'"@method";req: POST\n'
        b'"signature";req;key="sig1": :AAEC:\n'
        b'"@signature-params": ("@status" "@method";req "signature";req;key="sig1");created=1;keyid="k"'
    )


# --- Algorithms -------------------------------------------------------------------------------

KEYS = {
    "ed25519": ed25519.Ed25519PrivateKey.generate,
    "ecdsa-p256-sha256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "rsa-pss-sha512": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


@pytest.mark.parametrize("alg", sig.ALGORITHMS)
def test_each_algorithm_signs_and_verifies_and_notices_any_change(alg: str):
    key = KEYS[alg]()
    assert sig.algorithm_for_key(key) == sig.algorithm_for_key(key.public_key()) == alg
    message = sig.HttpMessage(method="GET", target_uri="https://simis.example/api/v1/whoami")
    components = [sig.component("@method"), sig.component("@target-uri")]
    fields = sig.message_sign(
        message, components, sig.SignatureParameters(created=5, nonce="n", keyid="k", alg=alg), key
    )
    received = sig.signature_parse(fields["Signature-Input"], fields["Signature"])
    sig.message_verify(message, received, key.public_key())
    moved = sig.HttpMessage(method="GET", target_uri="https://simis.example/api/v1/whoami?x=1")
    with pytest.raises(sig.SignatureError):
        sig.message_verify(moved, received, key.public_key())
    with pytest.raises(sig.SignatureError):
        sig.message_verify(message, received, KEYS[alg]().public_key())


def test_ecdsa_signatures_are_64_raw_bytes_not_der():
    key = ec.generate_private_key(ec.SECP256R1())
    signature = sig.sign_bytes(key, sig.ECDSA_P256_SHA256, b"base")
    assert len(signature) == 64
    assert sig.verify_bytes(key.public_key(), sig.ECDSA_P256_SHA256, b"base", signature)
    assert not sig.verify_bytes(key.public_key(), sig.ECDSA_P256_SHA256, b"base", signature[:63])


@pytest.mark.parametrize(
    "make",
    [
        lambda: ec.generate_private_key(ec.SECP384R1()),
        lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505 - the weak key is the point
        lambda: dsa.generate_private_key(key_size=2048),
    ],
    ids=["p384", "rsa1024", "dsa"],
)
def test_other_keys_are_unsupported(make):
    with pytest.raises(sig.SignatureError) as refused:
        sig.algorithm_for_key(make())
    assert refused.value.problem is sig.Problem.UNSUPPORTED_KEY


def test_an_alg_parameter_must_match_the_key():
    key = ed25519.Ed25519PrivateKey.generate()
    message = sig.HttpMessage(method="GET", target_uri="https://simis.example/")
    fields = sig.message_sign(
        message, [sig.component("@method")], sig.SignatureParameters(created=1, alg="ed25519"), key
    )
    forged = fields["Signature-Input"].replace('"ed25519"', '"ecdsa-p256-sha256"')
    with pytest.raises(sig.SignatureError) as refused:
        sig.message_verify(message, sig.signature_parse(forged, fields["Signature"]), key.public_key())
    assert refused.value.problem is sig.Problem.ALGORITHM_MISMATCH


# --- Parsing and the rules of the base --------------------------------------------------------


@pytest.mark.parametrize(
    ("signature_input", "signature", "problem"),
    [
        (None, "sig1=:AA==:", sig.Problem.MISSING),
        ('sig1=("@method")', None, sig.Problem.MISSING),
        ("sig1=(@method", "sig1=:AA==:", sig.Problem.MALFORMED),
        ('sig1=("@method")', "sig2=:AA==:", sig.Problem.MALFORMED),
        ('sig1="@method"', "sig1=:AA==:", sig.Problem.MALFORMED),
        ('sig1=("@method")', 'sig1="text"', sig.Problem.MALFORMED),
        ('sig1=("@method");created="soon"', "sig1=:AA==:", sig.Problem.MALFORMED),
        ('sig1=("@method");keyid=token', "sig1=:AA==:", sig.Problem.MALFORMED),
    ],
)
def test_unreadable_signature_fields_are_refused(signature_input, signature, problem):
    with pytest.raises(sig.SignatureError) as refused:
        sig.signature_parse(signature_input, signature)
    assert refused.value.problem is problem


def test_the_first_label_present_in_both_fields_is_read():
    received = sig.signature_parse(
        'proxy=("@method");created=1, sig1=("@path");created=2', "sig1=:AQ==:, other=:AA==:"
    )
    assert received.label == "sig1"
    assert received.params.created == 2
    assert received.signature == b"\x01"


@pytest.mark.parametrize(
    "items",
    [
        ['"@method" "@method"'],  # covered twice
        ['"@signature-params"'],
        ['"@method";key="a"'],
        ['"date";sf'],  # unsupported component parameter
        ['"Date"'],  # not lower-case
        ['"@query-param";name="x"'],
        ["date"],  # a token, not a string
    ],
)
def test_bases_that_break_the_rules_are_refused(items):
    inner = http_sfv.Dictionary()
    inner.parse(f"s=({' '.join(items)})".encode())
    message = sig.HttpMessage(method="GET", target_uri="https://simis.example/", headers={"date": "x"})
    with pytest.raises(sig.SignatureError) as refused:
        sig.signature_base(message, inner["s"])
    assert refused.value.problem is sig.Problem.MALFORMED


def test_a_covered_field_the_message_lacks_is_named():
    message = sig.HttpMessage(method="GET", target_uri="https://simis.example/")
    with pytest.raises(sig.SignatureError) as refused:
        sig.signature_base(
            message, sig.covered_components([sig.component("content-digest")], sig.SignatureParameters())
        )
    assert refused.value.problem is sig.Problem.COMPONENT_ABSENT
    assert refused.value.facts["component"] == "content-digest"


def test_req_is_only_for_responses_and_status_only_for_responses():
    request = sig.HttpMessage(method="GET", target_uri="https://simis.example/")
    with pytest.raises(sig.SignatureError):
        sig.component_value(request, sig.component("@method", req=True))
    with pytest.raises(sig.SignatureError):
        sig.component_value(request, sig.component("@status"))


@pytest.mark.parametrize(
    ("created", "expires", "problem"),
    [
        (None, None, sig.Problem.PARAMETER_MISSING),
        (1000 - 301, None, sig.Problem.STALE),
        (1000 + 61, None, sig.Problem.STALE),
        (1000, 999, sig.Problem.EXPIRED),
    ],
)
def test_signature_times_outside_the_window_are_refused(created, expires, problem):
    with pytest.raises(sig.SignatureError) as refused:
        sig.signature_check_times(
            sig.SignatureParameters(created=created, expires=expires), now=1000, max_age=300, max_skew=60
        )
    assert refused.value.problem is problem


@pytest.mark.parametrize("created", [700, 1000, 1060])
def test_signature_times_inside_the_window_pass(created):
    sig.signature_check_times(
        sig.SignatureParameters(created=created, expires=1001), now=1000, max_age=300, max_skew=60
    )


def test_content_digest_checks():
    body = b'{"a": 1}'
    sig.content_digest_verify(sig.content_digest(body), body)
    sig.content_digest_verify(f"{sig.content_digest(body, 'sha-512')}, md5=:AAAA:", body)
    for header, problem in [
        (None, sig.Problem.DIGEST_MISSING),
        ("md5=:AAAA:", sig.Problem.DIGEST_MISSING),
        (sig.content_digest(b"other"), sig.Problem.DIGEST_MISMATCH),
        (f"{sig.content_digest(body)}, {sig.content_digest(b'x', 'sha-512')}", sig.Problem.DIGEST_MISMATCH),
        ('sha-256="text"', sig.Problem.MALFORMED),
        ("sha-256=:not base64", sig.Problem.MALFORMED),
    ]:
        with pytest.raises(sig.SignatureError) as refused:
            sig.content_digest_verify(header, body)
        assert refused.value.problem is problem, header


def test_a_certificate_keyid_is_its_fingerprint_in_base64url():
    from simis.api.server_key import self_signed_pair

    _, pem = self_signed_pair("keyid test")
    certificate = sig.certificate_load(pem)
    fingerprint = sig.certificate_fingerprint(certificate)
    keyid = sig.certificate_keyid(certificate)
    assert len(fingerprint) == 64 and len(keyid) == 43
    assert base64.urlsafe_b64decode(keyid + "=") == bytes.fromhex(fingerprint)


def test_only_one_certificate_and_only_unencrypted_supported_keys_load():
    from simis.api.server_key import self_signed_pair

    key_pem, pem = self_signed_pair("x")
    with pytest.raises(sig.SignatureError):
        sig.certificate_load(pem + pem)
    with pytest.raises(sig.SignatureError):
        sig.certificate_load(b"not a certificate")
    encrypted = sig.private_key_load(key_pem).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    with pytest.raises(sig.SignatureError):
        sig.private_key_load(encrypted)


def test_the_readme_example_is_what_the_client_sends():
    """simis/api/README.md §2 shows these exact headers; keep the documentation true."""
    from simis.api.client import sign_request

    fields = sign_request(
        "POST",
        "https://simis.example.gov.sa/api/v1/echo",
        {"Content-Type": "application/json", "Idempotency-Key": "8e03978e-40d5-43e8-bc93-6894a57f9324"},
        b'{"message":"hello"}',
        "wW5aqhIZ7vX_wQuxEvREqA8L3uAdOvSBh2GB_IVAxkk",
        sig.private_key_load(RFC_ED25519_PRIVATE),
        created=1767225600,
        nonce="bWFuZ28tc3RyYXdiZXJyeQ",
    )
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for name, value in fields.items():
        assert f"{name}: {value}" in readme
