# The build's own scripts.
#
#   make test-scripts   scripts/cargo-checkout.sh: when a checkout's crate is
#                       rebuilt in a shared cache, and when it must not be
#                       (tests/scripts/cargo_checkout.sh)

.PHONY: test-scripts

TEST_SUITES += test-scripts

test-scripts:
	sh tests/scripts/cargo_checkout.sh
