"""A software WebAuthn authenticator for tests: real ES256 keys, real CBOR attestation objects
("none" attestation) and real signatures, in the JSON shape browsers send (base64url fields)."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2 import cbor
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import AttestedCredentialData, AuthenticatorData

ES256_ALG = -7


def plain(options: Any) -> dict:
    """fido2's option objects as the browser receives them (what json_script puts in the page)."""
    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(options, cls=DjangoJSONEncoder, default=dict))


class SoftAuthenticator:
    def __init__(self, *, credential_id: bytes | None = None) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = credential_id or os.urandom(32)
        self.sign_count = 0
        self.rp_id = ""
        self.user_handle: bytes | None = None
        # False: the key is touched but its PIN was not entered (UP without UV).
        self.verifies_user = True

    def impostor(self) -> SoftAuthenticator:
        """Same credential id, different private key: what a cloned-id attacker would have."""
        other = SoftAuthenticator(credential_id=self.credential_id)
        other.rp_id, other.user_handle, other.sign_count = self.rp_id, self.user_handle, self.sign_count
        return other

    def create(self, options: Any, origin: str) -> dict:
        public_key = plain(options)["publicKey"]
        if ES256_ALG not in [p["alg"] for p in public_key["pubKeyCredParams"]]:
            raise ValueError("relying party does not accept ES256")
        self.rp_id = public_key["rp"]["id"]
        self.user_handle = websafe_decode(public_key["user"]["id"])
        client_data = self._client_data("webauthn.create", public_key["challenge"], origin)
        cose_key = ES256.from_cryptography_key(self.private_key.public_key())
        attested = AttestedCredentialData.create(b"\0" * 16, self.credential_id, cose_key)
        auth_data = AuthenticatorData.create(
            hashlib.sha256(self.rp_id.encode()).digest(),
            AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT,
            self.sign_count,
            attested,
        )
        attestation_object = cbor.encode({"fmt": "none", "attStmt": {}, "authData": bytes(auth_data)})
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(attestation_object),
                "transports": ["usb"],
            },
            "clientExtensionResults": {"credProps": {"rk": False}},
        }

    def get(self, options: Any, origin: str) -> dict:
        public_key = plain(options)["publicKey"]
        allowed = [websafe_decode(c["id"]) for c in public_key.get("allowCredentials", [])]
        if allowed and self.credential_id not in allowed:
            raise ValueError("this authenticator holds none of the allowed credentials")
        rp_id = public_key.get("rpId") or self.rp_id
        self.sign_count += 1
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(),
            AuthenticatorData.FLAG.UP | (AuthenticatorData.FLAG.UV if self.verifies_user else 0),
            self.sign_count,
        )
        client_data = self._client_data("webauthn.get", public_key["challenge"], origin)
        signature = self.private_key.sign(
            bytes(auth_data) + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "cross-platform",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(bytes(auth_data)),
                "signature": websafe_encode(signature),
                "userHandle": websafe_encode(self.user_handle) if self.user_handle else None,
            },
            "clientExtensionResults": {},
        }

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False},
            separators=(",", ":"),
        ).encode()
