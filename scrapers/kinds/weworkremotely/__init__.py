"""We Work Remotely (weworkremotely.com), a board of remote jobs, through its RSS feeds.

Entry: ``{kind: weworkremotely}`` (key ``weworkremotely:all``: the feed of every category), or
``feeds: [/categories/remote-devops-sysadmin-jobs.rss, ...]`` (paths or URLs), or ``url`` (one
feed URL).
"""
