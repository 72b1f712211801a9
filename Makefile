# The two commands of the README, plus the benchmark. Each is a script in scripts/.
.PHONY: run test bench

run:
	scripts/run

test:
	scripts/test

bench:
	scripts/bench
