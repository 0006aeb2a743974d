"""Issue 17, seats over TLS: ``drill serve --certfile/--keyfile`` and ``drill join
wss://… --cafile``, on loopback with a certificate made in the test (the ``cryptography``
package). A seat that trusts the certificate's authority joins and orders; one that
does not is refused before it sends anything (its secret least); a plain ws:// client
gets nothing from a TLS server; bad files are one-line errors."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from click.testing import CliRunner

from drillsim.cli.main import main as cli
from drillsim.drill.client import SeatClient, SeatRefused
from drillsim.drill.tls import TlsError, client_context, server_context

from .test_drill_server import PACK, SECRETS, _run, served  # noqa: F401 - the fixture


def _certificate(folder, name: str = "drill"):
    """A self-signed certificate for localhost and 127.0.0.1 (its own authority):
    (certificate PEM path, key PEM path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_a_seat_joins_over_tls_only_when_it_trusts_the_certificate(served, tmp_path):  # noqa: F811
    session, server = served
    cert, key = _certificate(tmp_path)
    other, _ = _certificate(tmp_path, "other")

    async def go():
        port = await server.start("127.0.0.1", 0, ssl=server_context(cert, key))
        control = SeatClient()
        welcome = await control.connect(f"wss://127.0.0.1:{port}", "control", SECRETS["control"],
                                        ssl=client_context(cert))
        assert welcome["seat"] == "control" and welcome["role"] == "control"
        reply = await control.clock("advance", minutes=60)
        assert reply["ok"]
        # the seat trusts another authority: refused in the handshake, nothing sent
        stranger = SeatClient()
        with pytest.raises(SeatRefused, match="certificate is not trusted"):
            await stranger.connect(f"wss://127.0.0.1:{port}", "water", SECRETS["water"],
                                   ssl=client_context(other))
        assert stranger.received == [] and stranger.ws is None
        # nor the system's authorities (a self-signed certificate is in none)
        with pytest.raises(SeatRefused, match="certificate is not trusted"):
            await SeatClient().connect(f"wss://127.0.0.1:{port}", "water", SECRETS["water"],
                                       ssl=client_context())
        # plain ws:// to a TLS server: no drill
        with pytest.raises(SeatRefused, match="cannot join"):
            await SeatClient().connect(f"127.0.0.1:{port}", "water", SECRETS["water"], timeout=3)
        await control.close()
        await server.stop()

    _run(go())
    assert session.now == pytest.approx(60)


def test_bad_tls_files_are_one_line_errors(tmp_path):
    cert, key = _certificate(tmp_path)
    _, other_key = _certificate(tmp_path, "other")
    with pytest.raises(TlsError, match="no such file"):
        server_context(tmp_path / "none.crt", key)
    with pytest.raises(TlsError, match="not a usable certificate"):
        server_context(cert, other_key)  # a key that is not the certificate's
    with pytest.raises(TlsError, match="not certificates in PEM"):
        client_context(key)
    runner = CliRunner()
    done = runner.invoke(cli, ["drill", "serve", str(PACK), "--keyfile", str(key)])
    assert done.exit_code == 2 and "--keyfile goes with --certfile" in done.output
    done = runner.invoke(cli, ["drill", "serve", str(PACK), "--certfile", str(cert),
                               "--keyfile", str(other_key)])
    assert done.exit_code == 2 and "not a usable certificate" in done.output
    assert "Traceback" not in done.output
    done = runner.invoke(cli, ["drill", "join", "127.0.0.1:1", "--seat", "x", "--cafile", str(cert)])
    assert done.exit_code == 2 and "wss://" in done.output
