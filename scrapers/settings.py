"""Scrapy settings for every spider; per-source politeness is applied by ``scrapers.runner``.

Values that differ between machines come from ``warehouse.config`` (``POSTINGS_*`` environment
variables), never from edits to this file.
"""

from __future__ import annotations

from warehouse.config import get_settings

_settings = get_settings()

BOT_NAME = "postings"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# Politeness: identify ourselves with a contact URL, obey robots.txt, few requests per host.
USER_AGENT = _settings.effective_user_agent
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = _settings.concurrency_per_host
DOWNLOAD_DELAY = _settings.download_delay
# A delay is a floor: Scrapy's default jitter (±50%) would space requests by half of it.
DOWNLOAD_DELAY_JITTER = 0.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = max(_settings.download_delay, 0.5)
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = _settings.download_timeout
# Retries with backoff on 429 and 5xx (Scrapy's retry middleware; backoff via AutoThrottle and
# the delay), then the request's errback counts the failure against the source.
RETRY_ENABLED = True
RETRY_TIMES = _settings.retry_times
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = _settings.retry_backoff_base
RETRY_BACKOFF_MAX = _settings.retry_backoff_max
DOWNLOADER_MIDDLEWARES = {
    # First of all (before robots.txt is asked for a host): every request, redirects and meta
    # refreshes included, stays on its source's hosts, over http(s); keys stay on their host.
    "scrapers.night.SourceGateMiddleware": 40,
    "scrapers.scope.SourceScopeMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.BackoffRetryMiddleware": 550,
}
# Only http and https can be fetched at all (scrapers.scope refuses the rest first).
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}
# A Referer never leaves the origin it names (keys travel in some sources' URLs).
REFERRER_POLICY = "same-origin"
# A bound on requests per source run; a run that hits it ends as `partial`. A night's crawler
# (scrapers.night) counts it per source, a crawler of one source with CLOSESPIDER_PAGECOUNT.
CLOSESPIDER_PAGECOUNT = _settings.max_requests_per_source
POSTINGS_MAX_REQUESTS_PER_SOURCE = _settings.max_requests_per_source
# Items are small and parsed in one go; the default of 100 in flight only costs CPU here.
CONCURRENT_ITEMS = 1
COOKIES_ENABLED = False
# No control servers: the telnet console, and Scrapy's remote-control HTTP endpoint (it runs
# Python code sent to it and leaves a token file in the user's state directory).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DOWNLOAD_MAXSIZE = _settings.download_maxsize
DOWNLOAD_WARNSIZE = min(16 * 1024 * 1024, _settings.download_maxsize)

# Each source's own pipelines; a night's crawler (scrapers.night) runs them per source.
POSTINGS_SOURCE_PIPELINES = {
    "scrapers.pipelines.validate.ValidateJobPostingPipeline": 100,
    "scrapers.pipelines.land.LandJobPostingPipeline": 300,
}
ITEM_PIPELINES = {"scrapers.night.SourcePipelines": 100}
POSTINGS_LANDING_DIR = str(_settings.landing_dir)
# How a night writes its landing files: a child process (scrapers.landing_writer) or a thread.
POSTINGS_LANDING_WRITER = _settings.landing_writer

# Conditional requests (scrapers.conditional): on for a night's crawler (scrapers.runner) when
# POSTINGS_CONDITIONAL_REQUESTS is, through Scrapy's HTTP cache middleware.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "scrapers.conditional.RevalidatingPolicy"
HTTPCACHE_STORAGE = "scrapers.conditional.IndexedCacheStorage"
HTTPCACHE_DIR = str(_settings.http_cache_dir.expanduser().resolve())
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_GZIP = True
POSTINGS_CONDITIONAL_REQUESTS = _settings.conditional_requests
POSTINGS_DETAIL_MAX_AGE_DAYS = _settings.detail_max_age_days

LOG_LEVEL = _settings.log_level
LOGSTATS_INTERVAL = 15.0
