"""Adzuna (adzuna.com), a job search engine over many markets, through its Search API (a key).

Entry: ``{kind: adzuna, country: gb, what: data engineer}`` (key
``adzuna:country=gb,what=data engineer``); ``country`` is one of Adzuna's markets (default
``gb``), ``max_pages`` bounds a run (default 10 pages of 50). Needs ``POSTINGS_ADZUNA_APP_ID``
and ``POSTINGS_ADZUNA_APP_KEY``.
"""
