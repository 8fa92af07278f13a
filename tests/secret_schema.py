"""A schema with secrets at every depth, for the secret-redaction tests (imported by child processes too)."""

from __future__ import annotations

from typing import Optional

from pydantic import SecretBytes, SecretStr

import typed_config as tc


class Model(tc.HyperParams):
    secrets: list[SecretStr] = tc.Field(default_factory=list[SecretStr])
    lr: float = 0.1


class Server(tc.HyperParams):
    host: str = "localhost"
    password: SecretStr = SecretStr("default-password")


class Keys(tc.HyperParams):
    api_key: SecretStr = SecretStr("")
    pin: Optional[SecretStr] = tc.Field(default=None, min_length=6)  # noqa: UP045 - Optional, as users write it
    blob: SecretBytes = SecretBytes(b"")
    model: Model = tc.Field(default_factory=Model)
    creds: dict[str, SecretStr] = tc.Field(default_factory=dict[str, SecretStr])
    servers: list[Server] = tc.Field(default_factory=list[Server])
    pair: tuple[SecretStr, ...] = ()
    epochs: int = 1
