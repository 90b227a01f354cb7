"""Workday career sites, through the JSON API behind their pages (<tenant>.wd<N>.myworkdayjobs.com).

Entry: ``{kind: workday, tenant: <tenant>, site: <site>, host: wd<N>, company: <display name>}``,
or ``{kind: workday, url: https://<tenant>.wd<N>.myworkdayjobs.com/<site>}``; ``max_pages``
(default 100 search pages of 20) caps a crawl.
"""
