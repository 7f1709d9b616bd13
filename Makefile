# The two commands a fresh Debian machine with Swift needs: `make demo` and `make test`.
# Each installs what it needs when missing (libpcre2-dev, libmimalloc-dev, pkg-config), then builds.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test release dist bench clean

deps:
	@if ! pkg-config --exists libpcre2-8 2>/dev/null || [ ! -e /usr/include/mimalloc.h ]; then \
		echo "installing libpcre2-dev, libmimalloc-dev and pkg-config"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libpcre2-dev libmimalloc-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## The self-contained command for installing elsewhere: release, with the Swift runtime and FoundationEssentials
## linked in (no Swift toolchain needed where it runs; starts in 3-4 ms, the `swift build` binary in ~7 ms (`backscatter --version`)).
## Result: .build-static/release/backscatter
dist: deps
	$(SWIFT) build -c release --static-swift-stdlib --product backscatter --scratch-path .build-static

## Runs the main job on the bundled example mailbox. Exit status 1 means "backscatter found" (the
## example holds some), so only 2 and above fail the target.
demo: deps
	$(SWIFT) run -c release backscatter scan --profile Fixtures/example/profile.toml Fixtures/example/inbox.mbox; \
		status=$$?; [ $$status -le 1 ]

## Runs every test (corpus tests skip, visibly, when ../shared is absent).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	cd Benchmarks && $(SWIFT) package benchmark

clean:
	rm -rf .build .build-static
