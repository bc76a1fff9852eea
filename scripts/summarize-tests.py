"""Counts test results from the TRX files `dotnet test --logger trx` wrote, and prints them.

  /usr/bin/python3 scripts/summarize-tests.py RESULTS_DIR [--checks PASSED FAILED SKIPPED]

--checks adds the outcome of test.sh's own checks (contract lint, compose validation, build), so that the last
line describes the whole run. Prints one line per test project, the names of failed tests, and last the line
CI reads: "N passed, N failed" (", N skipped" when some were skipped).
"""
import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"


def project_name(root: ET.Element, path: Path) -> str:
    for test in root.iter(f"{NS}UnitTest"):
        storage = test.get("storage")
        if storage:
            return Path(storage).stem
    return path.stem


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("--checks", nargs=3, type=int, default=[0, 0, 0], metavar=("PASSED", "FAILED", "SKIPPED"))
    args = parser.parse_args()

    passed = failed = skipped = 0
    for path in sorted(args.results_dir.glob("**/*.trx")):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as error:
            print(f"  {path.name}: unreadable ({error}); counted as one failure")
            failed += 1
            continue
        counters = root.find(f"{NS}ResultSummary/{NS}Counters")
        if counters is None:
            continue

        def count(name: str) -> int:
            return int(counters.get(name, "0"))

        # xunit's skipped tests are "NotExecuted"; errors, timeouts and aborts are failures.
        project_failed = sum(count(n) for n in ("failed", "error", "timeout", "aborted"))
        project_skipped = count("notExecuted")
        passed += count("passed")
        failed += project_failed
        skipped += project_skipped
        print(f"  {project_name(root, path)}: {count('passed')} passed, {project_failed} failed, {project_skipped} skipped")
        for result in root.iter(f"{NS}UnitTestResult"):
            if result.get("outcome") not in ("Passed", "NotExecuted"):
                print(f"    FAILED {result.get('testName')}")

    check_passed, check_failed, check_skipped = args.checks
    if any(args.checks):
        print(f"  test.sh checks: {check_passed} passed, {check_failed} failed, {check_skipped} skipped")
    passed += check_passed
    failed += check_failed
    skipped += check_skipped
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
