"""Settings from the environment (prefix ``KONVENSI_``), as docs/api.md lists them."""

from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets copied from examples: a service signing tokens with one of them is open to anyone.
PLACEHOLDER_SECRETS = frozenset({"changethis"})
# HS256 keys shorter than its 32-byte hash are guessable offline from one token.
SECRET_KEY_MIN_LENGTH = 32


def secret_key_problem(key: str) -> str | None:
    """Why ``serve`` refuses ``key`` as KONVENSI_SECRET_KEY, or None."""
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return (
            f"KONVENSI_SECRET_KEY has {len(key)} characters; it needs at least "
            f"{SECRET_KEY_MIN_LENGTH} (make one with: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')"
        )
    return None


# Where certificates point when nothing says otherwise (the CLI on the database, a test).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KONVENSI_", extra="ignore")

    database_url: str = "sqlite:///./konvensi.db"
    secret_key: SecretStr | None = None
    admin_username: str | None = None
    admin_password: SecretStr | None = None
    # Unset: `konvensi serve` sets it to the address it listens on (see app.cli.server).
    public_url: str | None = None

    # One convention day: a juror logs in in the morning and is not thrown out mid-session.
    token_ttl_seconds: int = Field(default=12 * 3600, ge=60)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    login_max_failures: int = Field(default=10, ge=1)
    # Higher per address: a venue's tablets reach the service through one NAT address.
    login_max_failures_per_address: int = Field(default=100, ge=1)
    login_window_seconds: int = Field(default=60, ge=1)
    # Password hashes and checks at once per worker (Argon2 holds 64 MiB each), and how many
    # more may wait, for how long, before a 503.
    password_concurrency: int = Field(default=2, ge=1)
    password_queue: int = Field(default=64, ge=0)
    password_wait_seconds: float = Field(default=10.0, gt=0)

    # The public piagam PDF: rendered once per certificate state, kept in each worker's cache
    # of this many MiB (0: none), and at most so many requests a minute from one address.
    piagam_cache_mb: int = Field(default=64, ge=0)
    piagam_rate_per_minute: int = Field(default=30, ge=1)

    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=5.0, gt=0)
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0)
    # PostgreSQL cancels a statement running longer (0: never), so that one runaway query cannot
    # hold a pooled connection while the tablets wait. A ranking of 50,000 entries takes seconds.
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)

    @field_validator("secret_key")
    @classmethod
    def _not_a_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip() in PLACEHOLDER_SECRETS:
            raise PydanticCustomError(
                "placeholder_secret",
                "is the placeholder '{value}'; set a real secret",
                {"value": value.get_secret_value().strip()},
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_driver(cls, value: str) -> str:
        scheme = value.partition("://")[0].lower()
        if scheme in ("postgres", "postgresql"):
            # Never echo the rest: it may hold a password.
            raise PydanticCustomError(
                "database_url",
                "{scheme}:// names no driver this service has; write postgresql+psycopg:// "
                "(psycopg 3) with the same user, host and database",
                {"scheme": scheme},
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _absolute_http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parsed = urlsplit(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise PydanticCustomError(
                "public_url",
                "must be an absolute http(s) URL such as https://konvensi.example.go.id",
            )
        return value.strip().rstrip("/")

    @property
    def effective_public_url(self) -> str:
        """The address printed in certificates' QR codes and verification links."""
        return self.public_url or DEFAULT_PUBLIC_URL


@lru_cache
def get_settings() -> Settings:
    return Settings()
