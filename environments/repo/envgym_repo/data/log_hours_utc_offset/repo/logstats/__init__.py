"""logstats: statistics over access-log lines ``TIMESTAMP METHOD PATH STATUS``."""
from logstats.report import first_and_last, requests_per_hour
from logstats.timestamps import parse_timestamp

__all__ = ["first_and_last", "parse_timestamp", "requests_per_hour"]
