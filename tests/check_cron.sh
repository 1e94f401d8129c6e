#!/bin/sh
# Runs the README's cron line the way cron does (an empty environment, sh, the project's
# folder) against a copy of the project, and checks that both steps ran and were logged with
# timestamps outside reports/. Usage: sh tests/check_cron.sh [PYTHON]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
python=${1:-$here/.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/srv/taskstats/.venv/bin" "$work/log"
cp -r "$here/data" "$work/srv/taskstats/data"
rm -rf "$work/srv/taskstats/data/processed"
# The copy's taskstats: this checkout's package, its folders pointed at the copy.
cat >"$work/srv/taskstats/.venv/bin/taskstats" <<SH
#!/bin/sh
export PYTHONPATH="$here" TASKSTATS_DATA_DIR="\$PWD/data" TASKSTATS_REPORTS_DIR="\$PWD/reports"
exec "$python" -c "from taskstats.cli import main; main()" "\$@"
SH
chmod +x "$work/srv/taskstats/.venv/bin/taskstats"
line=$(grep -A3 '<!-- cron -->' "$here/README.md" | grep '^30 2 ')
command=$(printf '%s\n' "$line" | cut -d' ' -f7-)  # minute hour day month weekday user command
command=$(printf '%s\n' "$command" | sed "s#/srv/taskstats#$work/srv/taskstats#g; s#/var/log/taskstats#$work/log#g")
env -i /bin/sh -c "$command"
log="$work/log/nightly.log"
cat "$log"
grep -q "exit 0" "$log"
[ "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$log")" -ge 3 ]  # before, between, after
[ -f "$work/srv/taskstats/reports/compare.html" ]
[ -f "$work/srv/taskstats/data/processed/tasks.csv" ]
[ ! -e "$work/srv/taskstats/reports/nightly.log" ]
echo "cron line: ok"
