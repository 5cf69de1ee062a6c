from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    hour: int
    temp_c: float
    wind_kmh: float
