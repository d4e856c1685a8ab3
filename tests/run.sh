#!/usr/bin/env bash
# Runs every test of CommandCenter on a fresh machine.
# 1. Installs what the tests need when it is missing (Debian packages via apt-get; the .NET SDK must be present).
# 2. Runs `dotnet test CommandCenter.sln`, then the benchmark harness at its smoke size.
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
log="$(mktemp)"
# A test that hangs is stopped after five minutes and named in the output (blame), instead of running CI out of time.
dotnet test CommandCenter.sln --blame-hang-timeout 5m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}

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

# The benchmark harness at its smoke size (every step with small numbers, seconds to tens of seconds), so it cannot
# rot. It counts as one check in the closing line and in the exit code. The full run is in README.md, "Performance".
# It runs on the build `dotnet test` just made (its configuration, Debug unless -c was passed), so only the harness
# itself is compiled: a Release build of the product on top cost a minute or more, and smoke figures are not judged.
configuration=Debug
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -c | --configuration) configuration="${args[i + 1]:-Debug}" ;;
    -c=* | --configuration=*) configuration="${args[i]#*=}" ;;
  esac
done
echo "tests/run.sh: benchmark smoke run (dotnet run -c ${configuration} --project tests/CommandCenter.Benchmarks -- --smoke)"
if dotnet run -c "$configuration" --project tests/CommandCenter.Benchmarks -- --smoke; then
  passed=$((passed + 1))
else
  echo "tests/run.sh: the benchmark smoke run failed" >&2
  failed=$((failed + 1))
  (( code == 0 )) && code=1
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$code"
