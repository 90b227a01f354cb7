"""The warehouse side of postings: configuration, the `postings` command, landing and loading."""
