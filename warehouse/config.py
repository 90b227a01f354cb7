"""The one place that reads the environment.

Every knob the pipeline has is a field of :class:`Settings`, read from ``POSTINGS_<FIELD>``
environment variables (or a ``.env`` file); command-line options override them by exporting the
same variables before anything else runs, so child processes (the crawler, dbt) see the same
values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from warehouse.lakehouse import Lakehouse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    """Every setting of the pipeline; defaults suit a local checkout."""

    model_config = SettingsConfigDict(env_prefix="POSTINGS_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    #: The warehouse analysts open; defaults to ``<data_dir>/warehouse.duckdb``.
    db: Path = None  # type: ignore[assignment]
    #: The storage of the warehouse: empty (the default) for the embedded DuckDB file ``db``, or
    #: ``ducklake:<catalog>`` for a DuckLake, e.g. ``ducklake:postgres:dbname=postings
    #: host=127.0.0.1 user=postings`` (warehouse.lakehouse).
    warehouse: str = ""
    #: Where a DuckLake keeps its Parquet files: a directory or an S3-compatible URL;
    #: defaults to ``<data_dir>/lake``.
    lake_data_path: str = ""
    #: A DuckLake keeps the snapshots of this many days (time travel; readers of older nights).
    lake_keep_days: float = 7.0
    #: S3 credentials and endpoint of an ``s3://`` lake data path (DuckDB's S3 secret): empty
    #: values keep DuckDB's defaults (AWS, https, virtual-host URLs).
    lake_s3_key_id: SecretStr | None = None
    lake_s3_secret: SecretStr | None = None
    lake_s3_region: str = ""
    #: ``host:port`` of an S3-compatible store that is not AWS (MinIO, Ceph, R2...).
    lake_s3_endpoint: str = ""
    #: ``path`` for most S3-compatible stores, ``vhost`` for AWS.
    lake_s3_url_style: str = ""
    lake_s3_use_ssl: bool = True
    sources: Path = PROJECT_ROOT / "sources.yml"
    dbt_project_dir: Path = PROJECT_ROOT / "dbt_project"
    log_level: str = "INFO"
    contact_url: str = "https://github.com/postings-warehouse/postings"
    user_agent: str = ""
    # Politeness defaults, overridable per source entry with `delay` and `concurrency`.
    download_delay: float = 1.0
    concurrency_per_host: int = 2
    download_timeout: float = 30.0
    #: A response larger than this many bytes is abandoned (and counted as a failed request).
    download_maxsize: int = 64 * 1024 * 1024
    retry_times: int = 3
    #: First wait before a retry, doubled at each try (a server's Retry-After wins).
    retry_backoff_base: float = 1.0
    retry_backoff_max: float = 60.0
    max_requests_per_source: int = 5000
    #: DuckDB's memory limit for the loader and the dbt build: past it DuckDB spills to a
    #: temporary directory beside the file instead of growing (raise it on a bigger machine).
    memory_limit: str = "2GB"
    # How many sources are crawled at the same time in the night's one crawler (politeness is
    # per host whatever this is: every source of a host shares its delay and concurrency).
    parallel_sources: int = 64
    #: Ask again with If-None-Match / If-Modified-Since for pages that can be revalidated, and
    #: skip detail pages their listing says are unchanged (scrapers.conditional).
    conditional_requests: bool = True
    #: A detail page skipped that way is fetched again once it is this many days old.
    detail_max_age_days: float = 7.0
    #: Where a night's landing files and manifests are written: ``process``, a child process
    #: beside the crawl (scrapers.landing_writer), or ``thread``, the crawl's own process.
    landing_writer: Literal["process", "thread"] = "process"
    #: A shared crawl frontier, ``redis://HOST:PORT/DB`` (scrapers.frontier): the night's
    #: sources are put there and drained by ``postings worker`` processes on any machine.
    frontier: str | None = None
    #: Workers ``postings crawl --frontier`` starts on this machine (0: only coordinate).
    frontier_workers: int = 1
    #: A worker's hold on a source; renewed every third of it, taken by another once expired.
    frontier_lease_seconds: float = 30.0
    #: Added to each host's delay by the shared politeness gate: a request leaves the machine
    #: a little after the gate admits it (scrapers.frontier.PolitenessGate).
    politeness_guard: float = 0.025
    #: Whether the industry of an employer may come from the known-company seed
    #: (``company_industries``). False measures what text evidence and name cues alone decide,
    #: as for employers never seen before (``postings eval --without-known-companies``).
    industry_known_companies: bool = True
    # Credentials for keyed sources; never logged, never landed.
    usajobs_api_key: SecretStr | None = None
    usajobs_email: str | None = None
    adzuna_app_id: SecretStr | None = None
    adzuna_app_key: SecretStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_db(cls, values: Any) -> Any:
        # Filled in before validation: pydantic-settings validates defaults, and None is no Path.
        if isinstance(values, dict) and not values.get("db"):
            values = {**values, "db": Path(values.get("data_dir") or "data") / "warehouse.duckdb"}
        return values

    @property
    def landing_dir(self) -> Path:
        """Where every crawl run writes its landing file and run manifest."""
        return self.data_dir / "landing"

    @property
    def http_cache_dir(self) -> Path:
        """Where the pages kept for conditional requests are (scrapers.conditional)."""
        return self.data_dir / "httpcache"

    @property
    def effective_user_agent(self) -> str:
        """An identifying user agent with a contact URL, as polite crawlers send."""
        return self.user_agent or f"postings-research-bot/0.1 (+{self.contact_url})"

    def lakehouse(self) -> Lakehouse | None:
        """The DuckLake the ``warehouse`` setting names, or None for the DuckDB file."""
        from warehouse.lakehouse import Lakehouse, is_lakehouse

        if not is_lakehouse(self.warehouse):
            return None
        return Lakehouse.from_setting(
            self.warehouse,
            self.lake_data_path or str(self.data_dir / "lake"),
            (self.data_dir / ".build").expanduser().resolve(),
            self.lake_keep_days,
            {
                "key_id": self.lake_s3_key_id.get_secret_value() if self.lake_s3_key_id else "",
                "secret": self.lake_s3_secret.get_secret_value() if self.lake_s3_secret else "",
                "region": self.lake_s3_region,
                "endpoint": self.lake_s3_endpoint,
                "url_style": self.lake_s3_url_style,
                "use_ssl": "true" if self.lake_s3_use_ssl else "false",
            },
        )

    def public_warehouse(self) -> Path | Lakehouse:
        """What analysts read: the DuckLake, or the published DuckDB file ``db``."""
        return self.lakehouse() or self.db

    def absolute_db(self) -> Path:
        """The DuckDB path made absolute, as dbt resolves relative paths against its cwd."""
        return self.db.expanduser().resolve()


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
