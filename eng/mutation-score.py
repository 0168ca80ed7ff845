#!/usr/bin/env python3
"""Prints the mutation score per mutated file and overall from one or more Stryker JSON reports.

Score = (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker counts it;
compile errors and ignored mutants do not count. A file mutated in a later report replaces its
results from an earlier one (the signal pass re-tests DaemonStopper.cs with the sandboxed tests).
With --survivors, lists every mutant that was not detected.
"""
import json
import sys

DETECTED = {"Killed", "Timeout"}
UNDETECTED = {"Survived", "NoCoverage"}


def tested_files(path):
    report = json.load(open(path, encoding="utf-8"))
    for name, data in report["files"].items():
        mutants = [m for m in data["mutants"] if m["status"] in DETECTED | UNDETECTED]
        if mutants:
            yield name.split("/src/PidGuard/")[-1], mutants


def main() -> int:
    reports = [a for a in sys.argv[1:] if not a.startswith("--")]
    files = {}
    for report in reports:
        files.update(tested_files(report))
    print(f"{'file':<32} {'score':>7} {'killed':>7} {'survived':>9} {'no cover':>9}")
    detected_all = valid_all = 0
    survivors = []
    for name in sorted(files):
        mutants = files[name]
        detected = sum(m["status"] in DETECTED for m in mutants)
        survived = sum(m["status"] == "Survived" for m in mutants)
        nocov = sum(m["status"] == "NoCoverage" for m in mutants)
        print(f"{name:<32} {100.0 * detected / len(mutants):6.1f}% {detected:>7} {survived:>9} {nocov:>9}")
        detected_all += detected
        valid_all += len(mutants)
        survivors += [(name, m) for m in mutants if m["status"] in UNDETECTED]
    print(f"{'overall':<32} {100.0 * detected_all / max(valid_all, 1):6.1f}% {detected_all:>7} of {valid_all} mutants detected")
    if "--survivors" in sys.argv:
        print()
        for name, m in sorted(survivors, key=lambda s: (s[0], s[1]["location"]["start"]["line"])):
            replacement = " ".join(m.get("replacement", "").split())[:110]
            print(f"{name}:{m['location']['start']['line']} {m['status']} {m['mutatorName']}: {replacement}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
