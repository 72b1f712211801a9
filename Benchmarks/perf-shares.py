#!/usr/bin/env python3
"""Share of a service profile's samples whose stack holds each frame of interest.

    perf record -F 999 -g -p <service pid> -o perf.data -- sleep 8   # during a bench run
    perf script -i perf.data | Benchmarks/perf-shares.py

A sample counts once for each pattern its stack matches, so the shares overlap (a frame and
the frames below it); they answer "how much of the time is spent under this".
"""
import collections
import re
import sys

FRAMES = [
    ("CaseStore.queue", r"04CaseB0V5queue"),
    ("CaseStore.search", r"04CaseB0V6search"),
    ("CaseRecord(row:keys:)", r"CaseRecordV3row4keys"),
    ("CaseListing(row:keys:readerTags:)", r"CaseListingV3row4keys"),
    ("PostgresRow.decode by name", r"0A3RowV6decode"),
    ("Hasher (String-keyed dictionaries)", r"ss6HasherV"),
    ("KeyRing.seal (content keys)", r"KeyRingC4seal"),
    ("CaseSeal.open (AES-GCM)", r"CaseSealV4open"),
    ("SealedPlace.context", r"SealedPlaceV7context"),
    ("ListJSON (list pages' JSON)", r"ListJSON"),
    ("JSONEncoder", r"JSONEncoder"),
    ("libpq", r"libpq|PQgetResult|PQsend"),
    ("access policy", r"AccessPolicy"),
    ("malloc/free", r"\bmalloc|\bfree|_int_malloc|_int_free"),
    ("retain/release", r"swift_retain|swift_release"),
    ("the kernel", r"\[kernel"),
]


def main() -> None:
    patterns = [(name, re.compile(pattern)) for name, pattern in FRAMES]
    counts: collections.Counter = collections.Counter()
    total = 0
    stack: list = []

    def flush() -> None:
        nonlocal total
        if not stack:
            return
        total += 1
        text = "\n".join(stack)
        for name, pattern in patterns:
            if pattern.search(text):
                counts[name] += 1

    for line in sys.stdin:
        if not line.strip():
            flush()
            stack.clear()
        elif line[0] in "\t ":
            stack.append(line.strip())
    flush()
    for name, _ in patterns:
        print(f"| {name} | {100.0 * counts[name] / max(1, total):.1f} % |")
    print(f"\n{total} samples")


if __name__ == "__main__":
    main()
