"""Real loopback servers for the network tests: an ECR stand-in (HTTP or TLS) that
checks SigV4 with botocore as the oracle, a forwarding HTTP proxy and a CONNECT
proxy (one asyncio server, counting what it forwards), and a CA made in the test
with ``cryptography``. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.auth
import botocore.credentials
from aiohttp import web
from botocore.awsrequest import AWSRequest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ACCESS_KEY = "AKIDNETWORKTESTS"
SECRET_KEY = "network-tests-secret-key-do-not-log"
REGION = "us-east-1"


# -- the ECR stand-in ----------------------------------------------------------------


@dataclass
class Seen:
    """One request as the stand-in received it."""

    headers: dict[str, str]
    body: bytes
    signature_ok: bool


@dataclass
class EcrStub:
    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    #: When set, each request waits on it before the answer (a stall).
    gate: asyncio.Event | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = dict(request.headers)
        self.seen.append(Seen(headers, body, _verify_sigv4(request, headers, body)))
        if self.gate is not None:
            await self.gate.wait()
        return web.Response(
            body=b'{"repositories": []}',
            content_type="application/x-amz-json-1.1",
            headers={"x-amzn-RequestId": f"stub-{len(self.seen)}"},
        )


def _verify_sigv4(request: web.Request, headers: dict[str, str], body: bytes) -> bool:
    """Recompute the signature with botocore over the headers the request says it signed."""
    auth = headers.get("Authorization", "")
    try:
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        signature = auth.split("Signature=")[1]
    except IndexError:
        return False
    lower = {k.lower(): v for k, v in headers.items()}
    aws = AWSRequest(
        method=request.method,
        url=f"{request.scheme}://{lower['host']}{request.path_qs}",
        data=body,
        headers={name: lower[name] for name in signed},
    )
    # botocore's signing steps at the request's own timestamp (the same calls in every
    # botocore release, so tests-min can use them too).
    aws.context["timestamp"] = lower["x-amz-date"]
    creds = botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY)
    signer = botocore.auth.SigV4Auth(creds, "ecr", REGION)
    expected = signer.signature(signer.string_to_sign(aws, signer.canonical_request(aws)), aws)
    return expected == signature and "user-agent" not in signed


@asynccontextmanager
async def ecr_stub(tls: ssl.SSLContext | None = None) -> AsyncIterator[EcrStub]:
    stub = EcrStub()
    app = web.Application()
    app.router.add_post("/", stub.handle)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    host, port = runner.addresses[0][:2]
    stub.url = f"{'https' if tls else 'http'}://{host}:{port}"
    try:
        yield stub
    finally:
        if stub.gate is not None:
            stub.gate.set()
        await runner.cleanup()


# -- the proxy -----------------------------------------------------------------------


@dataclass
class Proxy:
    """A forwarding (absolute-form) and CONNECT proxy; counts what it carried."""

    url: str = ""
    forwarded: list[str] = field(default_factory=list)  # request lines forwarded
    tunnels: list[str] = field(default_factory=list)  # CONNECT targets
    proxy_authorizations: list[str | None] = field(default_factory=list)
    #: ``user:password`` the proxy demands (407 without it); ``None``: open proxy.
    require: str | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                head = await _read_head(reader)
                if head is None:
                    return
                line, headers = head
                method, target, _ = line.split(" ", 2)
                auth = headers.get("proxy-authorization")
                self.proxy_authorizations.append(auth)
                if self.require is not None:
                    expected = "Basic " + base64.b64encode(self.require.encode()).decode()
                    if auth != expected:
                        writer.write(
                            b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                            b"Proxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n"
                        )
                        await writer.drain()
                        if method == "CONNECT":
                            return
                        await reader.readexactly(int(headers.get("content-length", "0")))
                        continue
                if method == "CONNECT":
                    self.tunnels.append(target)
                    await self._tunnel(target, reader, writer)
                    return
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.forwarded.append(f"{method} {target}")
                await self._forward(method, target, headers, body, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()
            self._tasks.discard(task)

    async def _tunnel(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with suppress(ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            with suppress(OSError):
                dst.close()

        try:
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:  # also when the proxy shuts down mid-tunnel (its task is cancelled)
            up_writer.close()

    async def _forward(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        writer: asyncio.StreamWriter,
    ) -> None:
        rest = target.split("://", 1)[1]
        hostport, _, path = rest.partition("/")
        host, port = hostport.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        lines = [f"{method} /{path} HTTP/1.1"]
        lines += [
            f"{k}: {v}"
            for k, v in headers.items()
            if not k.startswith("proxy-") and k != "connection"
        ]
        lines.append("Connection: close")
        try:
            up_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await up_writer.drain()
            response = await up_reader.read()  # Connection: close -> read to EOF
        finally:  # also when the proxy shuts down mid-request (its task is cancelled)
            up_writer.close()
        head, _, payload = response.partition(b"\r\n\r\n")
        kept = [
            h
            for h in head.split(b"\r\n")
            if not h.lower().startswith((b"connection:", b"transfer-encoding:"))
        ]
        writer.write(b"\r\n".join(kept) + b"\r\n\r\n" + payload)
        await writer.drain()


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]] | None:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    line, *rest = raw.decode("latin-1").split("\r\n")
    headers = {}
    for item in rest:
        if ":" in item:
            name, value = item.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return line, headers


@asynccontextmanager
async def proxy_server(require: str | None = None) -> AsyncIterator[Proxy]:
    proxy = Proxy(require=require)
    server = await asyncio.start_server(proxy.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    proxy.url = f"http://127.0.0.1:{port}"
    try:
        yield proxy
    finally:
        server.close()
        for task in list(proxy._tasks):
            task.cancel()
        await asyncio.gather(*proxy._tasks, return_exceptions=True)
        await server.wait_closed()


# -- a CA made in the test -----------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    server: ssl.SSLContext

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_pki(directory: Path) -> Pki:
    """A CA, and a server certificate it signed for 127.0.0.1 and localhost."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ecrkit test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = directory / "server.pem", directory / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    return Pki(ca_file, server)


def credentials() -> Any:
    from ecrkit import Credentials

    return Credentials(ACCESS_KEY, SECRET_KEY)
