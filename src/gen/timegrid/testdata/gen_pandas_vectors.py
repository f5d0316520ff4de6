"""Regenerates pandas_date_range.json: grids of pandas.date_range for random
start/end/freq/offset combinations (run with pandas 1.5.x; the file was
produced with pandas 1.5.3).

pandas <= 3.0 rolls an off-offset end back to the previous on-offset date
while keeping end's time of day, which drops the last instant when end's
time of day is earlier than start's. The timegrid package includes every
on-offset instant in [start, end] instead, so the reference grid here is
date_range(start, end + 800 days) filtered to instants <= end.

Each case records the number of instants, the first and last instant and
an FNV-1a 64 hash of all instants (UTC microseconds, int64 little-endian).
"""
import datetime
import json
import random
import struct

import pandas as pd

TICKS = {"H", "h", "6H", "15min", "T", "90min", "7min", "5H", "13S", "1h30min", "25H", "23H", "D", "2D", "250ms"}
FREQS = sorted(TICKS) + ["B", "3B", "W", "W-MON", "W-SAT", "2W", "M", "2M", "MS", "3MS", "Q", "QS",
                         "2Q", "Q-JAN", "QS-FEB", "A", "Y", "AS", "YS", "A-JUN", "AS-JUL", "2A"]


def fnv64(values):
    h = 0xCBF29CE484222325
    for v in values:
        for b in struct.pack("<q", v):
            h ^= b
            h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def main():
    rnd = random.Random(20240901)
    cases = []
    for _ in range(600):
        f = rnd.choice(FREQS)
        off = rnd.choice([0, 0, 0, 120, -300, 330, 840, -720])
        tz = datetime.timezone(datetime.timedelta(minutes=off))
        s = pd.Timestamp(year=rnd.randint(1999, 2030), month=rnd.randint(1, 12), day=rnd.randint(1, 28),
                         hour=rnd.choice([0, 0, rnd.randint(0, 23)]), minute=rnd.choice([0, 0, 30, rnd.randint(0, 59)]),
                         second=rnd.choice([0, 0, rnd.randint(0, 59)]), tz=tz)
        if f in ("13S", "T", "15min", "7min", "250ms"):
            span = pd.Timedelta(minutes=rnd.randint(0, 600))
        elif f in TICKS:
            span = pd.Timedelta(days=rnd.randint(0, 40))
        elif f in ("B", "3B", "W", "W-MON", "W-SAT", "2W"):
            span = pd.Timedelta(days=rnd.randint(0, 150))
        else:
            span = pd.Timedelta(days=rnd.randint(0, 2500))
        e = s + span + pd.Timedelta(minutes=rnd.choice([0, 0, rnd.randint(-600, 600)]))
        ext = pd.Timedelta(days=0 if f in TICKS else 800)
        vals = [x.value // 1000 for x in pd.date_range(s, e + ext, freq=f) if x <= e]
        cases.append({
            "start": s.isoformat(), "end": e.isoformat(), "freq": f, "offset_minutes": off,
            "len": len(vals), "first": vals[0] if vals else 0, "last": vals[-1] if vals else 0,
            "fnv64": fnv64(vals),
        })
    with open("pandas_date_range.json", "w") as out:
        out.write("[\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases) + "\n]\n")


if __name__ == "__main__":
    main()
