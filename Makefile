# Accord's two commands: `make run` and `make test`. Everything else is a convenience.

GO        ?= go
BIN       := bin/accord
DATA_DIR  ?= ./accord-data
LISTEN    ?= :8081
FUZZTIME  ?= 5s

# Every fuzz target, as package:Function. `make test` runs each for $(FUZZTIME).
FUZZ_TARGETS := \
	./compat:FuzzParseAvro \
	./compat:FuzzParseJSONSchema \
	./compat:FuzzParseProtobuf \
	./store:FuzzDecodeRecord \
	./store/filelog:FuzzDecodeFrame \
	./store/filelog:FuzzFrameRoundTrip \
	./store/filelog:FuzzDecodeHeader \
	./api:FuzzRequestDecoding

.PHONY: all build run test deps vet unit fuzz bench clean

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/accord

## run: build and serve the registry on the embedded store at $(LISTEN), data in $(DATA_DIR).
run: build
	./$(BIN) serve --listen $(LISTEN) --data-dir $(DATA_DIR)

## test: install what the tests need, then run every test, the corpora and the fuzzers.
test: deps vet unit fuzz

PYTHON      ?= python3
CLIENTS_PY  := test/clients/python
CLIENTS_JS  := test/clients/node

## deps: Go modules, and the real Python and Node clients the end-to-end tests drive.
deps:
	$(GO) mod download
	test -x $(CLIENTS_PY)/.venv/bin/python || $(PYTHON) -m venv $(CLIENTS_PY)/.venv
	$(CLIENTS_PY)/.venv/bin/pip install --quiet --disable-pip-version-check -r $(CLIENTS_PY)/requirements.txt
	cd $(CLIENTS_JS) && npm ci --no-audit --no-fund --loglevel=error

vet:
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './test/clients/*')); \
		if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...
	@$(GO) test -count=1 -run 'Conformance' -v ./compat | grep 'conformance:' | sed 's/^ */agreement with Confluent: /'

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

## bench: the load tool (10,000 schemas, 32 clients) and the Go benchmarks.
bench: build
	./$(BIN) bench
	$(GO) test -run '^$$' -bench . -benchtime 2s ./api ./store/filelog

clean:
	rm -rf bin $(CLIENTS_PY)/.venv $(CLIENTS_JS)/node_modules
