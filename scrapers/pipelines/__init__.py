"""Item pipelines: validate, normalise, land. They never write to DuckDB."""
