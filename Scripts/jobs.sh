# Sourced by the run scripts. Waits for the given background jobs; fails if any of them failed
# (a plain `wait` returns 0 whatever the jobs did).
wait_all() { local status=0; for p in "$@"; do wait "$p" || status=$?; done; return "$status"; }
