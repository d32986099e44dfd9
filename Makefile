# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
NODE_MODULES_STAMP := node_modules/.package-lock.json
DATA_DIR ?= ./data

.PHONY: run test build install check-proto-types clean bench bench-compare cluster cluster-down sim cycles chaos chaos-loopback fuzz

$(NODE_MODULES_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES_STAMP)

install: $(NODE_MODULES_STAMP)

# The wire types are generated from proto/ first (docs/protocol-types.md). tsc builds
# incrementally and never deletes: drop compiled files whose source is gone, or a deleted test
# would still run.
build: install
	node scripts/gen-proto-types.mjs
	npx tsc -p tsconfig.json
	@find dist -name '*.js' | while read -r f; do s="$${f#dist/}"; [ -f "$${s%.js}.ts" ] || rm -f "$$f" "$$f.map"; done

run: build
	bin/sluice broker --data-dir $(DATA_DIR) --grpc-port 9092 --http-port 9644

# Import cycles in the TypeScript sources, type-only imports included (.madgerc keeps them: the
# compiled JavaScript drops them, and a circle of types is a circle of design all the same).
cycles: install
	npx madge --circular --extensions ts --ts-config tsconfig.json src scripts test

# Before build, which regenerates them: the committed generated types must match proto/.
check-proto-types: install
	node scripts/gen-proto-types.mjs --check

test: check-proto-types build cycles
	@bash scripts/ensure-test-packages.sh
	node scripts/run-tests.mjs

sim: build
	node dist/test/raft/sim/cli.js --seeds 1..2000

bench: build
	node dist/src/cli/main.js bench suite

bench-compare: build
	bash scripts/bench-compare.sh

# The chaos suite (docs/chaos.md): brokers in network namespaces under partitions, packet loss,
# kill -9 and SIGSTOP; needs root. CHAOS_ARGS passes options, e.g. CHAOS_ARGS='--seed 7 --brokers 5'.
chaos: build
	bash scripts/chaos run --minutes 8 --nemesis all $(CHAOS_ARGS)

# The older loopback-only random-fault run (kill -9, SIGSTOP; no root needed).
chaos-loopback: build
	node dist/scripts/chaos-run.js --duration-s 480 $(CHAOS_ARGS)

# The fuzzing run (docs/fuzzing.md); FUZZ_ARGS passes options, e.g. FUZZ_ARGS='--target cluster --requests 20000'.
fuzz: build
	node dist/scripts/fuzz.js $(FUZZ_ARGS)

cluster: build
	bash scripts/cluster.sh up cluster/three-node.json

cluster-down:
	bash scripts/cluster.sh down cluster/three-node.json

clean:
	rm -rf dist
