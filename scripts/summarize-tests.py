"""Counts test results from the TRX files `dotnet test --logger trx` wrote, and prints them.

  /usr/bin/python3 scripts/summarize-tests.py RESULTS_DIR [--checks PASSED FAILED SKIPPED]

--checks adds the outcome of test.sh's own checks (contract lint, compose validation, build), so that the last
line describes the whole run. Prints one line per test project, the names of failed tests, and last the line
CI reads: "N passed, N failed" (", N skipped" when some were skipped).
"""
import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"


def project_name(root: ET.Element, path: Path) -> str:
    text = ET.tostring(root, encoding="unicode")
    discovering = re.search(r"Discovering: +(\S+)", text)
    if discovering:
        return discovering.group(1)
    assembly = re.search(r"([\w.]+)\.dll", text)
    return assembly.group(1) if assembly else path.stem


def run_problems(root: ET.Element) -> list[str]:
    return [info.findtext(f"{NS}Text", "").strip().splitlines()[0]
            for info in root.iter(f"{NS}RunInfo") if info.get("outcome") == "Error"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("--runner-failed", action="store_true",
                        help="dotnet test exited non-zero: count one failure if no test or run explains it")
    parser.add_argument("--checks", nargs=3, type=int, default=[0, 0, 0], metavar=("PASSED", "FAILED", "SKIPPED"))
    args = parser.parse_args()

    passed = failed = skipped = 0
    empty: list[str] = []
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

        # Errors, timeouts and aborts are failures; xunit's skipped tests are counted but not executed.
        project_failed = sum(count(n) for n in ("failed", "error", "timeout", "aborted"))
        project_skipped = max(count("notExecuted"), count("total") - count("executed"))
        # A test host that crashed or was killed as hung fails the run even when no single test failed.
        problems = []
        outcome = root.find(f"{NS}ResultSummary").get("outcome", "")
        if project_failed == 0 and outcome in ("Failed", "Aborted", "Error"):
            problems = run_problems(root) or [f"the test run ended as {outcome}"]
            project_failed = 1
        passed += count("passed")
        failed += project_failed
        skipped += project_skipped
        if count("total") == 0 and not problems:
            empty.append(project_name(root, path))
            continue
        print(f"  {project_name(root, path)}: {count('passed')} passed, {project_failed} failed, {project_skipped} skipped")
        for message in problems:
            print(f"    RUN ERROR {message}")
        for result in root.iter(f"{NS}UnitTestResult"):
            if result.get("outcome") not in ("Passed", "NotExecuted"):
                print(f"    FAILED {result.get('testName')}")

    if empty:
        print(f"  no tests ran in: {', '.join(sorted(empty))}")
    if args.runner_failed and failed == 0:
        print("  dotnet test failed without a failed test or run error to show for it (see its output above)")
        failed += 1
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
