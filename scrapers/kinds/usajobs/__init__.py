"""USAJOBS (usajobs.gov), the US federal government's job board, through its Search API (a key).

Entry: ``{kind: usajobs, keyword: software}`` (key ``usajobs:keyword=software``); ``params``
adds other search parameters (``LocationName``, ``RemoteIndicator``...), ``max_pages`` bounds a
run (default 20 pages of 500). Needs ``POSTINGS_USAJOBS_API_KEY`` and ``POSTINGS_USAJOBS_EMAIL``.
"""
