"""Certificates for local TLS peers: a test CA (trustme) and server contexts good or bad in each way.

    ca = trustme.CA()
    bundle = write_bundle(ca, tmp_path)                      # give as Settings(ca_bundle=bundle)
    with HttpPeer(tls=server_context(ca, "www.acme.example")) as peer: ...

Validity is checked by OpenSSL against the real time, so certificates are issued relative to the
instant a test also gives its ManualClock (`now`), which makes `days_left` exact.
"""

from __future__ import annotations

import ssl
import tempfile
from datetime import datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def write_bundle(ca: trustme.CA, directory: Path) -> Path:
    """Write the CA's certificate as a PEM file, for `settings.ca_bundle`."""
    path = directory / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def server_context(
    ca: trustme.CA, *hosts: str, not_after: datetime | None = None, not_before: datetime | None = None
) -> ssl.SSLContext:
    """A server context whose certificate, issued by `ca`, covers `hosts` until `not_after`.

    Expired: `not_after` in the past. Wrong host name: other `hosts`. Untrusted: a CA not in the bundle.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts, not_before=not_before, not_after=not_after).configure_cert(context)
    return context


def self_signed_context(host: str, *, now: datetime, days: int = 90) -> ssl.SSLContext:
    """A server context whose certificate for `host` is signed by its own key (no CA at all)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    san: x509.GeneralName
    try:
        san = x509.IPAddress(ip_address(host))
    except ValueError:
        san = x509.DNSName(host)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([san]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as directory:  # ssl loads certificates only from files
        path = Path(directory) / "self-signed.pem"
        path.write_bytes(cert_pem + key_pem)
        context.load_cert_chain(path)
    return context
