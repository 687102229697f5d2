"""Generators for the reference pages, run by cog (``nox -s docs`` / ``python tools/docgen.py``).

Each page keeps its prose by hand and has a generated block between cog markers; a test
(``tests/docs/test_docs.py``) fails when a block is stale, a setting has no description or a
command has no help. Regenerate with ``python tools/docgen.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COGGED = ["docs/configuration.md", "docs/cli.md", "docs/http-api.md"]
OPENAPI_FILE = ROOT / "docs" / "openapi.json"

SETTING_HELP: dict[str, str] = {
    "data_dir": "Folder for the SQLite database, the generated JWT secret and data sets.",
    "config_dir": "Folder of `config.toml` and the CLI's saved login.",
    "database_url": "`sqlite://PATH` or `postgres://user:pass@host/db` (default: SQLite file).",
    "redis_url": "`redis://host:port/db`: shared cache, rate limits and Celery broker.",
    "cache_prefix": "Prefix of every Redis key this deployment writes.",
    "cache_max_entries": "Bound of the in-process cache (embedded mode).",
    "cache_hot_ttl": "Seconds a worker keeps hot discovery replies as encoded bytes "
    "(first cache level, before Redis); 0 turns it off.",
    "auto_migrate": "Apply pending migrations when a `MovieRec` opens.",
    "jwt_secret": "Token signing secret (32+ characters); generated once per data folder if unset.",
    "jwt_algorithm": "HMAC algorithm for access tokens.",
    "jwt_issuer": "`iss` claim of access tokens.",
    "jwt_audience": "`aud` claim of access tokens.",
    "access_token_ttl": "Access token lifetime, seconds.",
    "refresh_token_ttl": "Refresh token lifetime, seconds.",
    "bcrypt_rounds": "bcrypt cost factor for password hashes.",
    "refresh_reuse_grace": "Seconds a just-rotated refresh token may be replayed (racing tabs).",
    "login_failures_per_account": "Failed logins per account before a lockout.",
    "login_failures_per_ip": "Failed logins per client IP before a lockout.",
    "login_failure_window": "Window in which failed logins are counted, seconds.",
    "login_lockout": "Lockout length after too many failures, seconds.",
    "tmdb_api_key": "TMDb v3 API key (also `TMDB_API_KEY`).",
    "tmdb_read_access_token": "TMDb v4 read access token (also `TMDB_READ_ACCESS_TOKEN`).",
    "tmdb_base_url": "TMDb API base URL (also `TMDB_BASE_URL`).",
    "tmdb_image_base_url": "TMDb image base URL (also `TMDB_IMAGE_BASE_URL`).",
    "tmdb_poster_size": "Poster size in poster URLs.",
    "tmdb_language": "Language asked of TMDb.",
    "tmdb_include_adult": "Show TMDb entries flagged `adult` (hidden by default, everywhere).",
    "tmdb_include_video": "Show TMDb entries flagged `video`: recordings such as wrestling events.",
    "tmdb_timeout": "Timeout of one TMDb call, seconds.",
    "tmdb_max_retries": "Retries on 429, 5xx and connection errors.",
    "tmdb_retry_budget": "Total seconds a call may spend retrying.",
    "tmdb_rate_limit": "Outbound TMDb requests per second, shared by every worker.",
    "movielens_url": "Where `movierec catalog import movielens` downloads ml-latest-small.",
    "movielens_sha256": "Expected SHA-256 of that download (checked when set).",
    "movielens_max_bytes": "Largest MovieLens download accepted, bytes.",
    "ttl_trending": "Cache lifetime of trending lists, seconds.",
    "ttl_search": "Cache lifetime of search results, seconds.",
    "ttl_details": "Cache lifetime of movie details, seconds.",
    "ttl_genres": "Cache lifetime of the genre list, seconds.",
    "ttl_recommendations": "Cache lifetime of a user's recommendations, seconds.",
    "stale_ttl": "How long an expired value may still be served when TMDb fails, seconds.",
    "rate_limit_anonymous": "API rate limit per client IP without a token.",
    "rate_limit_user": "API rate limit per authenticated user.",
    "force_https": "Redirect plain HTTP to HTTPS (behind a proxy: `X-Forwarded-Proto`).",
    "trusted_proxies": "Proxy addresses whose `X-Forwarded-*` headers are believed (comma list).",
    "cors_origins": "Origins allowed by CORS (comma list; empty: no CORS).",
    "hsts_max_age": "`Strict-Transport-Security` max-age, seconds.",
    "max_body_bytes": "Largest accepted request body.",
    "log_format": "`text` (readable) or `json` (one JSON object per line).",
    "metrics_public": "Serve `/metrics` without an admin token (bind it privately then).",
    "favorites_max_per_user": "Most favorites one account may keep.",
    "favorites_import_max_bytes": "Largest favorites import file accepted, bytes.",
    "recommend_weight_collaborative": "Weight of collaborative (EASE, item-kNN) evidence.",
    "recommend_weight_content": "Weight of content similarity in the blend.",
    "recommend_weight_popularity": "Weight of the popularity prior in the blend.",
    "recommend_recency_half_life": "Favorites until a favorite's weight halves (0: off).",
    "recommend_diversity": "MMR lambda of the re-ranking (1: pure relevance order).",
    "recommend_neighbours": "Neighbours kept per item by item-kNN (the tail beyond EASE).",
    "recommend_ease_neighbours": "Weights kept per item of the EASE head (the served matrix).",
    "recommend_ease_lambda": "L2 penalty of the EASE model (the collaborative signal).",
    "recommend_ease_max_items": (
        "Most favorited movies EASE covers (dense); item-kNN beyond. 0: item-kNN only."
    ),
    "recommend_shrink": "Shrinkage of item-item similarities.",
    "recommend_seed_favorites": "Recent favorites whose TMDb recommendations are fetched.",
    "recommend_concurrency": "Concurrent TMDb calls when gathering candidates.",
    "recommend_model_ttl": "How long a model fitted in-process is reused, seconds.",
    "model_fit_on_demand": "Fit in-process while none is published: `auto` (SQLite), `yes`, `no`.",
    "model_check_seconds": "How often a server looks for a newer published model, seconds.",
    "model_keep_versions": "Published model versions kept (older ones are pruned).",
    "model_fit_every": "Period of the scheduled fit-model job, seconds.",
    "celery_broker_url": "Celery broker; default `redis_url`.",
    "celery_result_backend": "Celery result backend; default the broker.",
    "celery_queue": "Queue the jobs are sent to and the worker consumes.",
    "usage_retention_days": "TMDb usage buckets older than this are pruned.",
    "audit_retention_days": "Audit events older than this are pruned.",
    "notifier": "`log`, `smtp`, or `package.module:factory` returning a Notifier.",
    "smtp_host": "SMTP server of the `smtp` notifier.",
    "smtp_port": "SMTP port.",
    "smtp_username": "SMTP login (optional).",
    "smtp_password": "SMTP password (optional).",
    "smtp_starttls": "Upgrade the SMTP connection with STARTTLS.",
    "smtp_from": "Sender address of notification mails.",
}


def _env_names(name: str) -> str:
    from movierec.config_sources import ENV_PREFIX, TMDB_ALIASES

    names = [f"`{ENV_PREFIX}{name.upper()}`"]
    if name in TMDB_ALIASES:
        names.append(f"`{TMDB_ALIASES[name]}`")
    return "<br>".join(names)


def _default(field: Any) -> str:
    if field.default_factory is not None:
        return "(computed)"
    value = field.default
    if value is None:
        return "unset"
    if isinstance(value, tuple):
        return "`" + ",".join(str(v) for v in value) + "`" if value else "empty"
    return f"`{value}`"


def _type(field: Any) -> str:
    text = str(field.annotation).replace("typing.", "").replace("pathlib.", "")
    text = text.replace("<class '", "").replace("'>", "")
    return "`" + text.replace("|", "or") + "`"


def describe_setting(name: str, field: Any) -> str | None:
    """The description of a setting: its ``Field(description=...)`` or the table here."""
    return field.description or SETTING_HELP.get(name)


def settings_table() -> str:
    """Markdown table of every ``Settings`` field."""
    from movierec.config import Settings

    lines = ["| setting | environment | type | default | meaning |", "|---|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        help_text = describe_setting(name, field) or ""
        lines.append(
            f"| `{name}` | {_env_names(name)} | {_type(field)} | {_default(field)} | {help_text} |"
        )
    return "\n".join(lines) + "\n"


# Typer vendors its own click, so commands are recognised by shape, not by class.
Command = Any


def _is_group(command: Command) -> bool:
    return isinstance(getattr(command, "commands", None), dict)


def _commands(group: Command, path: list[str]) -> list[tuple[list[str], Command]]:
    found: list[tuple[list[str], Command]] = []
    if _is_group(group):
        for name in sorted(group.commands):
            command = group.commands[name]
            if command.hidden:
                continue
            found.append(([*path, name], command))
            found.extend(_commands(command, [*path, name]))
    return found


def cli_commands() -> list[tuple[list[str], Command]]:
    """Every (path, command) of the ``movierec`` app, groups included."""
    from movierec_cli.app import command_tree

    return _commands(command_tree(), ["movierec"])


def _param_row(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "option":
        names = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        help_text = param.help or ""
        default = param.default
        shown = "" if default in (None, False, ()) or param.is_flag else f" (default: `{default}`)"
        return f"| {names} | {help_text}{shown} |"
    return f"| `{str(param.name).upper()}` | {getattr(param, 'help', None) or ''} |"


def cli_reference() -> str:
    """Markdown for every command: its help, usage and parameters."""
    out: list[str] = []
    for path, command in cli_commands():
        ctx = command.context_class(command, info_name=" ".join(path))
        out.append(f"## `{' '.join(path)}`\n")
        out.append((command.help or "").strip().split("\n\n")[0] + "\n")
        out.append("```text\n" + command.get_usage(ctx).strip() + "\n```\n")
        params = [p for p in command.params if p.name not in ("help",)]
        if params:  # a group with options of its own (recommend --page ...) lists them too
            out.append("| parameter | meaning |\n|---|---|")
            out.extend(_param_row(p) for p in params)
            out.append("")
    return "\n".join(out)


def export_openapi() -> str:
    """The OpenAPI document from the server program, as text (never imported here)."""
    env_path = [str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]
    result = subprocess.run(
        [sys.executable, "-m", "movierec_server", "--openapi"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**_clean_env(), "PYTHONPATH": ":".join(env_path)},
    )
    return result.stdout


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("MOVIEREC_", "TMDB_"))}


def http_reference() -> str:
    """Markdown table of every HTTP operation in ``docs/openapi.json``."""
    spec = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    lines = ["| method | path | summary | auth |", "|---|---|---|---|"]
    for path in sorted(spec["paths"]):
        for method, operation in sorted(spec["paths"][path].items()):
            auth = "bearer" if operation.get("security") else ""
            summary = str(operation.get("summary", "")).replace("|", "\\|")
            lines.append(f"| {method.upper()} | `{path}` | {summary} | {auth} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Rewrite docs/openapi.json and every cog block."""
    from cogapp import Cog

    OPENAPI_FILE.write_text(export_openapi(), encoding="utf-8")
    status = Cog().main(
        ["cog", "-r", "-I", str(ROOT / "tools"), *map(str, map(ROOT.joinpath, COGGED))]
    )
    raise SystemExit(status)


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "cli"), str(ROOT / "server")]
    main()
