# The two commands of the README, plus the benchmark. Each is a script in scripts/.
.PHONY: run test

run:
	scripts/run

test:
	scripts/test
