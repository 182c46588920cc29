"""Partners of the web services, their certificates, used nonces and idempotency records.
ORM only: the rules that change these rows live in services.py."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    EMPLOYER_SYSTEM = "employer_system", _("Employer system")
    HOSPITAL = "hospital", _("Hospital")
    AGENCY = "agency", _("Government agency")
    BANK = "bank", _("Bank")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class SignatureAlgorithm(models.TextChoices):
    """RFC 9421 algorithm names (§6.2.2 registry)."""

    ED25519 = "ed25519", _("Ed25519")
    ECDSA_P256_SHA256 = "ecdsa-p256-sha256", _("ECDSA P-256 with SHA-256")
    RSA_PSS_SHA512 = "rsa-pss-sha512", _("RSA-PSS with SHA-512")


class Partner(models.Model):
    """An organisation whose system calls the web services: an employer's payroll system, a
    hospital, a government agency or a bank."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Short stable code the institution gives the partner, e.g. NOUR-TRADING."),
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=PartnerKind.choices,
        help_text=_("What sort of organisation this is; decides which web services it may call."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PartnerStatus.choices,
        default=PartnerStatus.ACTIVE,
        help_text=_("A suspended partner's calls are refused whatever certificate they are signed with."),
    )
    organisation_key = models.CharField(
        _("organisation key"),
        max_length=64,
        blank=True,
        help_text=_("The organisation's own number: establishment number, hospital code or agency code."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PartnerCertificate(models.Model):
    """An X.509 certificate whose key signs a partner's requests. Registering it is the trust
    decision (the certificate is pinned; no chain to a CA is required)."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("partner")
    )
    pem = models.TextField(_("certificate (PEM)"))
    fingerprint_sha256 = models.CharField(
        _("SHA-256 fingerprint"),
        max_length=64,
        unique=True,
        help_text=_("SHA-256 of the certificate's DER encoding, in hexadecimal."),
    )
    keyid = models.CharField(
        _("key id"),
        max_length=64,
        unique=True,
        help_text=_("The keyid a signature names: the SHA-256 fingerprint in unpadded base64url."),
    )
    algorithm = models.CharField(_("algorithm"), max_length=20, choices=SignatureAlgorithm.choices)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("partner certificate")
        verbose_name_plural = _("partner certificates")
        ordering = ["partner", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_after__gt=models.F("not_before")), name="api_cert_validity_order"
            ),
        ]

    def __str__(self) -> str:
        return self.keyid


class UsedNonce(models.Model):
    """A nonce seen in a valid request signature. The unique (keyid, nonce) pair is what makes
    a replay fail in every web process at once; rows are useless once ``expires_at`` passes
    (the signature's ``created`` would be refused as stale anyway) and are purged."""

    keyid = models.CharField(max_length=64)
    nonce = models.CharField(max_length=128)
    seen_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used nonce")
        verbose_name_plural = _("used nonces")
        constraints = [models.UniqueConstraint(fields=["keyid", "nonce"], name="api_nonce_once_per_key")]

    def __str__(self) -> str:
        return f"{self.keyid} {self.nonce}"


class IdempotencyRecord(models.Model):
    """The stored outcome of a write, keyed by the partner's Idempotency-Key. The row is
    inserted in the same transaction as the write itself, so it exists exactly when the write
    committed; a concurrent duplicate waits on the unique index and then replays it."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)  # SHA-256 of method, path and query, body
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_headers = models.JSONField(default=list)
    response_body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="api_idempotency_key_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
