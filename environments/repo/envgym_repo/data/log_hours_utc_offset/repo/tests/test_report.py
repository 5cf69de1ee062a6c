from logstats import requests_per_hour

LOG = """# utc log
2024-03-01T10:15:00Z GET / 200
2024-03-01T10:45:00Z GET /a 200
2024-03-01T11:05:00+00:00 POST /b 201
"""


def test_utc_hours():
    assert requests_per_hour(LOG.splitlines()) == {"2024-03-01 10:00": 2, "2024-03-01 11:00": 1}
