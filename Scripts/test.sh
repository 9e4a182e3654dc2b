#!/usr/bin/env bash
# The test command of the README. Tests run optimised (the reference checks run the real model), and
# the REPL tests drive the built binary in a pseudo-terminal and in pipes.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build "$@"
