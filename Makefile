# Accord's two commands: `make run` and `make test`. Everything else is a convenience.

GO        ?= go
BIN       := bin/accord
DATA_DIR  ?= ./accord-data
LISTEN    ?= :8081
# Fuzzing runs for a number of inputs, not a time: under a time budget Go's fuzz coordinator
# can spend it all starting workers on a starved machine and fail with "context deadline
# exceeded" after a handful of executions.
FUZZTIME  ?= 10000x
# Every go test has a timeout with room to spare, so that a slow machine fails on a hang, not
# on go test's default 10 minutes.
TEST_TIMEOUT ?= 25m

# Every fuzz target, as package:Function. `make test` runs each for $(FUZZTIME).
FUZZ_TARGETS := \
	./compat/avro:FuzzParseAvro \
	./compat/avro:FuzzHambaAgrees \
	./compat/avro:FuzzReplaySkipChangesNothing \
	./compat/jsonschema:FuzzParseJSONSchema \
	./compat/protobuf:FuzzParseProtobuf \
	./store:FuzzDecodeRecord \
	./store:FuzzStrictParseCanonicalIsLenient \
	./store:FuzzOwnParseStandsForStored \
	./store:FuzzScanRecord \
	./internal/jsonsubset:FuzzScanner \
	./internal/jsonsubset:FuzzText \
	./store/filelog:FuzzDecodeFrame \
	./store/filelog:FuzzFrameRoundTrip \
	./store/filelog:FuzzDecodeHeader \
	./store/filelog:FuzzFindFrame \
	./store/snapshot:FuzzRead \
	./store/kafkagroup:FuzzDecodeGroupJSON \
	./serde:FuzzDecode \
	./serde:FuzzIndexes \
	./serde/avro:FuzzDeserialize \
	./serde/protobuf:FuzzDeserialize \
	./serde/jsonschema:FuzzDeserialize \
	./serde/rules:FuzzMatchPath \
	./serde/rules:FuzzMatchers \
	./serde/rules/encryption:FuzzDecrypt \
	./api:FuzzRequestDecoding \
	./api:FuzzSchemaJSONString \
	./api:FuzzQuickSchemaRequest

.PHONY: all build install run test deps vet unit kafka-up kafka-down kafka-test fuzz bench clean

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/accord

## install: go install the accord binary into GOBIN (default: $(go env GOPATH)/bin), and say
## whether that directory is on PATH.
install:
	$(GO) install -trimpath ./cmd/accord
	@dir=$$($(GO) env GOBIN); [ -n "$$dir" ] || dir=$$($(GO) env GOPATH)/bin; \
		echo "installed $$dir/accord"; \
		case ":$$PATH:" in *":$$dir:"*) ;; *) echo "$$dir is not on PATH: export PATH=\"$$dir:\$$PATH\"";; esac

## run: build and serve the registry on the embedded store at $(LISTEN), data in $(DATA_DIR).
run: build
	./$(BIN) serve --listen $(LISTEN) --data-dir $(DATA_DIR)

## test: install what the tests need, then run every test (on kfake, then the Kafka ones on a
## real broker), the corpora and the fuzzers.
test: deps vet unit kafka-test fuzz

PYTHON      ?= python3
CLIENTS_PY  := test/clients/python
CLIENTS_JS  := test/clients/node
SCHEMATHESIS := test/schemathesis
KMS_PY      := test/kms

## deps: Go modules, the Kafka broker's jars (into ~/.cache/accord, with mvn), wrk (the
## load of `make bench`), the real
## Python and Node clients the end-to-end tests drive, and schemathesis, the OpenAPI fuzzer
## TestSchemathesis runs (a virtualenv of its own), and moto and OpenBao, the AWS KMS and Vault
## transit servers the serde/kms driver tests run (another).
deps:
	$(GO) mod download
	@command -v java >/dev/null && command -v mvn >/dev/null || { \
		echo "installing Java 17 and Maven for the Kafka broker the tests run"; \
		apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null; }
	$(GO) run ./test/kafkaharness jars
	@command -v wrk >/dev/null || { \
		echo "installing wrk, the HTTP load generator accord bench drives its read phases with"; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	test -x $(CLIENTS_PY)/.venv/bin/python || $(PYTHON) -m venv $(CLIENTS_PY)/.venv
	$(CLIENTS_PY)/.venv/bin/pip install --quiet --disable-pip-version-check -r $(CLIENTS_PY)/requirements.txt
	cd $(CLIENTS_JS) && npm ci --no-audit --no-fund --loglevel=error
	test -x $(SCHEMATHESIS)/.venv/bin/python || $(PYTHON) -m venv $(SCHEMATHESIS)/.venv
	$(SCHEMATHESIS)/.venv/bin/pip install --quiet --disable-pip-version-check -r $(SCHEMATHESIS)/requirements.txt
	test -x $(KMS_PY)/.venv/bin/python || $(PYTHON) -m venv $(KMS_PY)/.venv
	$(KMS_PY)/.venv/bin/pip install --quiet --disable-pip-version-check -r $(KMS_PY)/requirements.txt

vet:
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './test/clients/*')); \
		if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...
	@$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -run 'Conformance' -v ./compat/... | \
		sed -n 's/^ *[a-z_]*_test\.go:[0-9]*: \(.* conformance: \)/agreement with Confluent, \1/p; s/^ *[a-z_]*_test\.go:[0-9]*: \(corpora: \)/\1/p' | awk '!seen[$$0]++'

## kafka-up: start a real Kafka broker in the background on a free loopback port, or reuse the
## running one; .kafka/bootstrap holds its address (127.0.0.1:PORT).
kafka-up:
	$(GO) run ./test/kafkaharness up -dir .kafka

## kafka-down: stop the broker and remove .kafka.
kafka-down:
	$(GO) run ./test/kafkaharness down -dir .kafka

## kafka-test: run every test with "Kafka" in its name against the real broker, then stop the
## broker whatever the outcome, keeping go test's exit status. (dash skips EXIT traps when a
## signal kills it, hence the INT/TERM trap: Ctrl-C stops the broker too.)
kafka-test: kafka-up
	@trap '$(MAKE) --no-print-directory kafka-down' EXIT; trap 'exit 130' INT TERM; \
		KAFKA_BOOTSTRAP=$$(cat .kafka/bootstrap) $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) -run Kafka ./...

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -timeout $(TEST_TIMEOUT) $$pkg; \
	done

## bench: the load tool (10,000 schemas; registry and baseline in processes of their own,
## read load from wrk when installed, server CPU per request) and the Go benchmarks.
bench: build bench-serde bench-rules
	./$(BIN) bench
	$(GO) test -run '^$$' -bench . -benchtime 2s -timeout $(TEST_TIMEOUT) ./api ./store/filelog

## bench-secure: id lookups with Basic auth and TLS on, as a ratio of the same lookups with
## them off, interleaved in one run (target: at least 60%).
.PHONY: bench-secure
bench-secure: build
	./$(BIN) bench --secure

## bench-scale: the registry at 1,000,000 schemas (100,000 subjects × 10 versions, Avro, JSON
## Schema and Protobuf, and a subject of 1,000 versions), written directly to a log: startup,
## memory per schema, lookups beside their ratio at 1,000 schemas, list pages, a compatibility
## check; registrations through HTTP on 10,000. With KAFKA_BOOTSTRAP, also startup from Kafka.
.PHONY: bench-scale
bench-scale: build
	./$(BIN) bench --scale --schemas 1000000 --subjects 100000 $(if $(KAFKA_BOOTSTRAP),--scale-kafka-brokers $(KAFKA_BOOTSTRAP))

## bench-serde: the serializers against the raw codecs and confluent-kafka-go, same run, one
## package at a time (packages benchmarked side by side disturb each other on two cores).
.PHONY: bench-serde
bench-serde:
	$(GO) test -p 1 -run '^$$' -bench '^Benchmark(Serialize|Deserialize)$$' -benchmem -count 5 -timeout $(TEST_TIMEOUT) ./serde/avro ./serde/protobuf ./serde/jsonschema

## bench-rules: what a data contract costs per record, same run: an Avro round trip with one
## field encrypted (ENCRYPT, local KMS, DEK cached) vs none vs confluent-kafka-go's executor,
## and a serialize with a CEL condition vs none.
.PHONY: bench-rules
bench-rules:
	$(GO) test -run '^$$' -bench '^Benchmark(EncryptedRoundTrip|CELCondition)$$' -benchmem -count 5 -timeout $(TEST_TIMEOUT) ./serde/avro

## bench-export: Schema Linking between two embedded processes: the initial copy of 100,000
## schemas (10,000 subjects) and the lag to the destination at 200 registrations/s.
.PHONY: bench-export
bench-export:
	$(GO) test -run '^$$' -bench '^BenchmarkExporter' -benchtime 1x -timeout 60m -v ./test

## bench-kafka: the Kafka store's benchmarks on the broker of kafka-up (started if none runs,
## left running): startup on 100,000 schemas with and without the snapshot, and registrations
## through the leader and a follower, each beside the embedded store in the same run.
.PHONY: bench-kafka
bench-kafka: kafka-up
	KAFKA_BOOTSTRAP=$$(cat .kafka/bootstrap) $(GO) test -run '^$$' -bench '^BenchmarkKafka' -benchtime 1x -timeout 30m ./test

## clean: stop the local broker if it runs, and remove the binary and everything `make test`
## installed in the tree (the clients' and schemathesis's virtualenvs, node_modules, .kafka).
clean:
	@if [ -d .kafka ]; then $(MAKE) --no-print-directory kafka-down; fi
	rm -rf bin .kafka $(CLIENTS_PY)/.venv $(CLIENTS_JS)/node_modules $(SCHEMATHESIS)/.venv $(KMS_PY)/.venv
