#!/usr/bin/env bash
# Runs every test of CommandCenter on a fresh machine.
# 1. Installs what the tests need when it is missing (Debian packages via apt-get; the .NET SDK must be present).
# 2. Builds CommandCenter.sln, then runs the tests of every test project in it (`dotnet test`) and the benchmark
#    harness at its smoke size in two lanes side by side, then the browser tests alone.
# 3. Prints "N passed, N failed, N skipped" as the last line and exits with dotnet's exit code (non-zero too if the
#    benchmark smoke run failed).
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# Debian packages the test suite needs: Chromium for the browser tests (Playwright drives /usr/bin/chromium), Noto
# CJK so its screenshots show Chinese, not boxes, and InfluxDB 1.x (influxd) for the metric store tests, which start
# their own servers on loopback from a config in a temp folder (never the system service), and PostgreSQL, which the
# store-level suite runs on a second time (a cluster of its own in a temp folder, started with initdb and pg_ctl),
# and Redis and nginx for the tests of several servers (each on a free loopback port from a temp folder).
required_packages=(chromium fonts-noto-cjk influxdb postgresql redis-server nginx)

missing=()
for package in "${required_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# The seed generator (seeds/tools/generate_seeds.py) writes the large cities the scale tests run on.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if (( ${#missing[@]} > 0 )); then
  echo "tests/run.sh: installing ${missing[*]}" >&2
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "tests/run.sh: could not install ${missing[*]}" >&2; exit 1; }
fi

command -v dotnet >/dev/null 2>&1 || { echo "tests/run.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The configuration the tests run in (Debug unless -c was passed): everything is built once in it, the benchmark
# harness too, so the smoke run compiles nothing (a Release build on top cost a minute or more, and smoke figures are
# not judged).
configuration=Debug
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -c | --configuration) configuration="${args[i + 1]:-Debug}" ;;
    -c=* | --configuration=*) configuration="${args[i]#*=}" ;;
  esac
done
echo "tests/run.sh: dotnet build CommandCenter.sln -c ${configuration}"
if ! dotnet build CommandCenter.sln -c "$configuration"; then
  echo "tests/run.sh: the build failed" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# The caller's --filter, if any, is combined with the split below; the other arguments go to every dotnet test.
filter=""
test_args=()
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --filter) filter="${args[i + 1]:-}"; i=$((i + 1)) ;;
    --filter=*) filter="${args[i]#*=}" ;;
    *) test_args+=("${args[i]}") ;;
  esac
done
user_filter=()
[[ -n "$filter" ]] && user_filter=(--filter "$filter")
only() { if [[ -n "$filter" ]]; then echo "(${filter})&$1"; else echo "$1"; fi; }
# A test that hangs is stopped after five minutes and named in the output (blame), instead of running CI out of time.
run_tests() { dotnet test "$1" --no-build --blame-hang-timeout 5m --blame-hang-dump-type none "${@:2}" "${test_args[@]}"; }

# Two lanes, one per core, then the browser tests alone (their 2-second budgets are about the product, not a busy
# machine). Lane 1: CommandCenter.Web.Tests but its browser tests, then CommandCenter.Infrastructure.Tests. Lane 2:
# every other test project of the solution, then the benchmark harness at its smoke size (every step with small
# numbers, so it cannot rot; the full run is in README.md, "Performance"). One after another, the assemblies and the
# smoke left a core idle for minutes.
web=tests/CommandCenter.Web.Tests/CommandCenter.Web.Tests.csproj
infrastructure=tests/CommandCenter.Infrastructure.Tests/CommandCenter.Infrastructure.Tests.csproj
mapfile -t others < <(dotnet sln CommandCenter.sln list | grep -E '^tests/.+[.]csproj$' \
  | grep -v -e "^${web}\$" -e "^${infrastructure}\$" -e '/CommandCenter.Testing/' -e '/CommandCenter.Benchmarks/')
log="$(mktemp)"
lane_log="$(mktemp)"
smoke_status="$(mktemp)"
lane1() {
  local status=0
  run_tests "$web" --filter "$(only "Category!=Browser")" || status=1
  run_tests "$infrastructure" "${user_filter[@]}" || status=1
  return "$status"
}
lane2() {
  local status=0
  for project in "${others[@]}"; do
    run_tests "$project" "${user_filter[@]}" || status=1
  done
  echo "tests/run.sh: benchmark smoke run (dotnet run -c ${configuration} --no-build --project tests/CommandCenter.Benchmarks -- --smoke)"
  dotnet run -c "$configuration" --no-build --project tests/CommandCenter.Benchmarks -- --smoke
  echo "$?" >"$smoke_status"
  return "$status"
}
lane2 >"$lane_log" 2>&1 &
lane2_pid=$!
lane1 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
wait "$lane2_pid" || code=1
echo "tests/run.sh: lane 2 (${others[*]##*/}, the benchmark smoke run)"
cat "$lane_log" | tee -a "$log"
rm -f "$lane_log"
echo "tests/run.sh: the browser tests, alone"
run_tests "$web" --filter "$(only "Category=Browser")" 2>&1 | tee -a "$log"
(( PIPESTATUS[0] == 0 )) || code=1

# dotnet prints one summary per test assembly ("Passed!  - Failed: 0, Passed: 11, Skipped: 0, Total: 11, ...");
# add them up into the one plain line CI reads.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)!  - Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i + 1))
      if ($i == "Failed:") f += $(i + 1)
      if ($i == "Passed:") p += $(i + 1)
      if ($i == "Skipped:") s += $(i + 1)
    }
  }
  # A test run aborted (a crashed or hung test host) counts as a failure: its remaining tests never ran.
  /^Test Run Aborted/ { f += 1 }
  END { printf "%d %d %d\n", p, f, s }' "$log")
rm -f "$log"

if (( code == 0 && passed == 0 )); then
  echo "tests/run.sh: dotnet test ran no test" >&2
  code=1
fi

# The smoke run counts as one check in the closing line and in the exit code.
if [[ "$(cat "$smoke_status")" == 0 ]]; then
  passed=$((passed + 1))
else
  echo "tests/run.sh: the benchmark smoke run failed" >&2
  failed=$((failed + 1))
  (( code == 0 )) && code=1
fi
rm -f "$smoke_status"

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$code"
