"""Reads of partners and certificates."""

from __future__ import annotations

from simis.api.models import Partner, PartnerCertificate


def certificate_for_keyid(keyid: str) -> PartnerCertificate | None:
    """The certificate a signature's ``keyid`` names, with its partner; None when unknown.
    Revoked and expired certificates are returned too: the caller says why it refuses."""
    return PartnerCertificate.objects.select_related("partner").filter(keyid=keyid).first()


def partner_by_code(code: str) -> Partner | None:
    return Partner.objects.filter(code=code.strip().upper()).first()


def partner_certificates(partner: Partner) -> list[PartnerCertificate]:
    return list(partner.certificates.order_by("-created_at"))
