"""Arbeitnow (arbeitnow.com), a job board for Germany and Europe, through its public Job Board API.

Entry: ``{kind: arbeitnow}`` (key ``arbeitnow:all``), optionally ``max_pages`` (default 30
pages of about 100 jobs, newest first).
"""
