"""An SFTP server, as a legacy system's file drop: password login, one root folder.

SFTP_PASSWORD=.. python -m simulators.sftp --port 2222 --root /srv/drop --user legacy
"""

import argparse
import asyncio
import os

import asyncssh


class _Server(asyncssh.SSHServer):
    def __init__(self, user: str, password: str) -> None:
        self._user = user
        self._password = password

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self._user and password == self._password


async def serve(port: int, root: str, user: str, password: str, host_key: str | None) -> None:
    os.makedirs(root, exist_ok=True)
    # A fixed host key lets clients pin it in their known_hosts, as they must.
    key = (
        asyncssh.read_private_key(host_key)
        if host_key
        else asyncssh.generate_private_key("ssh-ed25519")
    )
    await asyncssh.listen(
        "127.0.0.1",
        port,
        server_host_keys=[key],
        server_factory=lambda: _Server(user, password),
        sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root.encode()),
    )
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's SFTP server simulator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--host-key", help="the server's private host key (OpenSSH format)")
    args = parser.parse_args()
    password = os.environ["SFTP_PASSWORD"]
    asyncio.run(serve(args.port, args.root, args.user, password, args.host_key))


if __name__ == "__main__":
    main()
