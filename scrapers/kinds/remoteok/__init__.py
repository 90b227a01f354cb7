"""Remote OK (remoteok.com), a board of remote jobs, through its public JSON API.

Entry: ``{kind: remoteok}`` (key ``remoteok:all``; ``name`` renames it). The API takes no
filters: one request returns the board's latest jobs.
"""
