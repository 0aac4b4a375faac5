# CareCount: `make run` starts the demo clinic, `make test` runs every test.
# Both install what a fresh machine lacks and skip what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TOOLCHAIN            := 1.95.0
CARGO_LEPTOS_VERSION := 0.3.10
# wasm-bindgen's CLI must match the crate exactly (pinned in Cargo.toml).
WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
CHROMIUM             ?= /usr/bin/chromium

# binaryen from npm (Debian's wasm-opt breaks hydration); cargo's bin dir.
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export LEPTOS_OUTPUT_NAME := carecount
export CARGO_TERM_COLOR := never
# CI builds once from scratch: incremental artifacts would only fill the disk.
ifdef CI
export CARGO_INCREMENTAL := 0
endif

.PHONY: help run build test tools rust-target cargo-leptos wasm-bindgen wasm-opt chromium e2e-deps \
        lint unit unit-postgres e2e api-schema schemathesis bench bench-smoke load soak calendar faketime clean

help:
	@echo "make run    build and start CareCount with the demo clinic"
	@echo "make test   every test: lint, unit, property, integration, end-to-end"
	@echo "make bench  counting-core and server benchmarks"
	@echo "make soak   the ledger's and the schedule's model-based tests, far longer"
	@echo "make unit-postgres   the integration suite with every app on PostgreSQL"
	@echo "make calendar   the browser suite at five faked dates (month ends, a 29 February, clock changes)"

## ---- tools: each step checks first, installs only when missing ----

tools: rust-target cargo-leptos wasm-bindgen wasm-opt

rust-target:
	@rustup target list --installed --toolchain $(TOOLCHAIN) | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown --toolchain $(TOOLCHAIN)

cargo-leptos:
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" \
	  || cargo +$(TOOLCHAIN) install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked

# Without --locked: the CLI's own lockfile wants a crate the registry lacks.
wasm-bindgen:
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
	  || cargo +$(TOOLCHAIN) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

wasm-opt:
	@[ -x tools/node_modules/.bin/wasm-opt ] || (cd tools && npm ci --no-audit --no-fund)

chromium:
	@[ -x "$(CHROMIUM)" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# schemathesis from PyPI, in a virtualenv of its own.
SCHEMATHESIS_VERSION := 4.32.5
schemathesis:
	@[ -x tools/.venv/bin/schemathesis ] \
	  || (python3 -m venv tools/.venv && tools/.venv/bin/pip install -q schemathesis==$(SCHEMATHESIS_VERSION))

e2e-deps:
	@[ -d end2end/node_modules/@playwright/test ] && [ -x end2end/node_modules/.bin/lighthouse ] \
	  || (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)

## ---- run ----

build: tools
	./tools/build-site.sh --release

run: build
	@echo
	@echo "Demo clinic: Maple Street Veterinary Clinic (EUR), 20 owners, 30 patients."
	@echo "Demo logins (password for all: carecount-demo):"
	@echo "  manager       sarah@maple.example"
	@echo "  vet           pieter@maple.example"
	@echo "  receptionist  marloes@maple.example"
	@echo "  pet owner     emma.devries@example.com  (healthcard portal)"
	@echo "Emails (password resets, invitations) are written to data/outbox/ as .eml files."
	@echo
	CARECOUNT_DEMO_DATA=1 LEPTOS_SITE_ROOT=target/site ./target/release/carecount

## ---- test ----

lint:
	cargo fmt --check
	cargo clippy --features ssr --all-targets -- -D warnings
	@# The browser half, counting core included, must build for wasm32.
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings
	@# So must the bundles of the other areas (src/ui/areas.rs).
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate,area-portal -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate,area-manager -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate,area-soap -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate,area-invoices -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate,area-records -- -D warnings

# Outer time limits: a hang fails the run instead of stalling it. The
# property and model tests draw from a fixed seed here, so a run is
# reproducible; `make soak` draws fresh sequences every time, and each
# failure it finds is kept in tests/*.proptest-regressions and replayed here.
PROPTEST_SEED ?= 20261123
# The suite's PostgreSQL half (tests/schema_in_step.rs) runs against the
# server this names; unset, it is the one answering on 127.0.0.1:5432.
TEST_POSTGRES_URL ?= $(shell (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && echo postgres://postgres@127.0.0.1:5432/test)
export TEST_POSTGRES_URL

unit:
	@echo "PostgreSQL for the tests: $${TEST_POSTGRES_URL:-none answers on 127.0.0.1:5432, its half is skipped}"
	PROPTEST_RNG_SEED=$(PROPTEST_SEED) timeout 1800 cargo test --features ssr

# The integration suite again with every app on PostgreSQL, each in a
# database of its own (the ones a run before left are dropped first). The
# model-based tests run fewer sequences here: each sequence makes a database.
POSTGRES_CASES := CARECOUNT_MODEL_CASES=24 CARECOUNT_VISIT_CASES=8
unit-postgres:
	@if [ -z "$(TEST_POSTGRES_URL)" ]; then \
	  echo "No PostgreSQL answers on 127.0.0.1:5432 and TEST_POSTGRES_URL is unset: the suite ran on SQLite only."; \
	else \
	  psql "$(TEST_POSTGRES_URL)" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'carecount_test_%'" \
	    | while read -r db; do psql -q "$(TEST_POSTGRES_URL)" -c "DROP DATABASE IF EXISTS $$db WITH (FORCE)"; done; \
	  echo "The integration suite on PostgreSQL ($(TEST_POSTGRES_URL))"; \
	  TEST_BACKEND=postgres $(POSTGRES_CASES) PROPTEST_RNG_SEED=$(PROPTEST_SEED) timeout 1800 \
	    cargo test --features ssr --tests $(TEST_FLAGS); \
	fi

# The site with one bundle per area of the product (tools/build-site.sh). A
# build that fails says how much disk was left: a full disk is the one cause
# that no compiler message names.
LEPTOS_BUILD := ./tools/build-site.sh

e2e: tools chromium e2e-deps
	$(LEPTOS_BUILD)
	rm -rf end2end/test-results
	cd end2end && CHROMIUM_PATH=$(CHROMIUM) timeout 900 npx playwright test
	@cd end2end && node summary.cjs

# The integration API against its own OpenAPI document: no 5xx, and no
# answer that breaks the document (run against the build `e2e` made).
api-schema: schemathesis
	$(LEPTOS_BUILD)
	timeout 600 ./tools/schemathesis.sh

test: tools chromium e2e-deps lint unit unit-postgres e2e api-schema bench-smoke

# Every benchmark once, so one that breaks fails the tests: criterion and
# the finalize bench in test mode, the browser benchmarks against the debug
# build that `e2e` made.
bench-smoke: tools chromium e2e-deps
	timeout 900 cargo test --features ssr --benches
	$(LEPTOS_BUILD)
	cd end2end && BENCH_SMOKE=1 CHROMIUM_PATH=$(CHROMIUM) timeout 600 npx playwright test --config bench.config.ts soap-recompute pages
	cd end2end && E2E_PROFILE=debug CHROMIUM_PATH=$(CHROMIUM) timeout 600 node lighthouse.cjs --smoke

# Counting core (criterion), finalize on SQLite, then against the release
# build in headless Chromium: badge recompute, first and second visit per page
# type under a throttled line, and Lighthouse.
bench: tools chromium e2e-deps
	cargo bench --features ssr
	./tools/build-site.sh --release
	@./tools/bundle-size.sh target/site/pkg
	cd end2end && E2E_PROFILE=release CHROMIUM_PATH=$(CHROMIUM) npx playwright test --config bench.config.ts
	cd end2end && E2E_PROFILE=release CHROMIUM_PATH=$(CHROMIUM) node lighthouse.cjs

# The desks under load over HTTP: 50 clients, flat out and at a desk's pace,
# against one server on SQLite, two servers on one SQLite file, and two on
# one PostgreSQL database (one killed and restarted); latencies, errors,
# finalize keys and the ledger checked against what the clients were told.
load:
	cargo bench --features ssr --bench load

# The model-based ledger test with twenty times the sequences of `make test`,
# from a fresh random seed each run.
soak:
	CARECOUNT_MODEL_CASES=6000 cargo test --features ssr --test ledger_model -- --nocapture
	CARECOUNT_VISIT_CASES=2000 cargo test --features ssr --test visit_model -- --nocapture

# The browser suite on the days calendars go wrong, the whole stack (server,
# Playwright and Chromium) under libfaketime: the hour after midnight in
# Amsterdam (still the day before in UTC), the last of a month, the night the
# clocks go forward, midsummer's last late evening and a 29 February.
CALENDAR_DAYS := 2026-12-06T23:30:00 2027-01-31T12:00:00 2027-03-28T01:30:00 2027-06-30T22:45:00 2028-02-29T09:00:00
faketime:
	@command -v faketime >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime; }

calendar: tools chromium e2e-deps faketime
	$(LEPTOS_BUILD)
	@failed=""; for day in $(CALENDAR_DAYS); do \
	  echo "The browser suite at $$day UTC"; \
	  (cd end2end && TZ=UTC CHROMIUM_PATH=$(CHROMIUM) timeout 900 faketime -f "@$${day/T/ }" npx playwright test --reporter=dot) \
	    || failed="$$failed $$day"; \
	done; \
	if [ -n "$$failed" ]; then echo "The browser suite failed at:$$failed"; exit 1; fi; \
	echo "The browser suite passed on every day: $(CALENDAR_DAYS)"

clean:
	cargo clean
	rm -rf data target end2end/test-results end2end/screenshots
