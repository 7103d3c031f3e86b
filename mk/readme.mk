# The README's programs: every fenced block marked <!-- readme-test … --> is
# written out, built and run in a directory outside the tree exactly as the
# README says (STORE=<this checkout>, PREFIX=<a fresh install>, GOPROXY=off),
# and its output compared with the README's (scripts/readme-test.sh).
#
#   make test-readme                 every case (hooked into `make test`)
#   make test-readme CASES="c go"    only the named cases

.PHONY: test-readme

TEST_SUITES += test-readme

test-readme: build
	sh scripts/readme-test.sh README.md $(CASES)
