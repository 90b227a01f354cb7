"""Hacker News "Ask HN: Who is hiring?" threads, every top-level comment a posting (Algolia API).

Entry: ``{kind: hackernews}`` (key ``hackernews:whoishiring``: the latest monthly thread);
``threads: 3`` reads the latest three, ``story_ids: [47975571]`` those threads instead.
"""
