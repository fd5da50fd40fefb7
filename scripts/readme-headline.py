#!/usr/bin/env python3
"""Writes the README's headline table from reports/results.json.

Bits per byte of each corpus total (8 x compressed bytes / original bytes, summed
over the corpus's files) and compress / decompress MB/s over the large corpus
(total bytes / total time), one row per candidate in the order of the report.
The table sits between the markers <!-- headline:begin --> and <!-- headline:end -->
in README.md; scripts/make-reports.sh runs this after every comparison, so the
README never holds a figure the reports do not.
Usage: scripts/readme-headline.py [results.json] [README.md]
"""
import json
import sys

results_path = sys.argv[1] if len(sys.argv) > 1 else "reports/results.json"
readme_path = sys.argv[2] if len(sys.argv) > 2 else "README.md"
corpora = ["canterbury", "calgary", "large"]

data = json.load(open(results_path))
rows = {}
order = []
for r in data["results"]:
    if r.get("status") != "ok":
        continue
    name = f'{r["codecName"]} -{r["levelLabel"]}'
    if name not in rows:
        rows[name] = {c: [0, 0] for c in corpora}
        rows[name]["time"] = [0.0, 0.0, 0]
        order.append(name)
    row = rows[name]
    if r["corpus"] in corpora:
        row[r["corpus"]][0] += r["compressedBytes"]
        row[r["corpus"]][1] += r["originalBytes"]
    if r["corpus"] == "large" and r.get("compressMBps") and r.get("decompressMBps"):
        mb = r["originalBytes"] / 1e6
        row["time"][0] += mb / r["compressMBps"]
        row["time"][1] += mb / r["decompressMBps"]
        row["time"][2] += mb

lines = ["| codec | canterbury | calgary | large | compress / decompress MB/s (large) |",
         "|---|---:|---:|---:|---:|"]
for name in order:
    row = rows[name]
    cells = []
    for c in corpora:
        coded, original = row[c]
        cells.append(f"{8 * coded / original:.3f}" if original else "")
    t = row["time"]
    speed = f"{t[2] / t[0]:.1f} / {t[2] / t[1]:.1f}" if t[0] > 0 and t[1] > 0 else ""
    label = "store" if name.startswith("store ") else name
    lines.append(f"| {label} | " + " | ".join(cells) + f" | {speed} |")
table = "\n".join(lines)

readme = open(readme_path).read()
begin, end = "<!-- headline:begin -->", "<!-- headline:end -->"
if begin not in readme or end not in readme:
    sys.exit(f"readme-headline: {readme_path} has no {begin} … {end} markers")
head, rest = readme.split(begin, 1)
_, tail = rest.split(end, 1)
open(readme_path, "w").write(head + begin + "\n" + table + "\n" + end + tail)
print(f"readme-headline: {len(order)} rows written to {readme_path}")
