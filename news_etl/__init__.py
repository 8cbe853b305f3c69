"""news-etl: raw news articles -> spaCy -> Parquet -> DuckDB warehouse."""

__version__ = "0.1.0"
