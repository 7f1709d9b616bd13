# The two commands a fresh Debian machine with Swift needs: `make demo` and `make test`.
# Each installs what it needs when missing (libpcre2-dev, libmimalloc-dev, zlib1g-dev, pkg-config; the bzip2, xz,
# zstd and LZ4 headers, and those formats' tools, which the tests of compressed input run), then builds.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test release dist bench clean

DEBIAN_PACKAGES = libpcre2-dev libmimalloc-dev zlib1g-dev pkg-config libbz2-dev liblzma-dev libzstd-dev liblz4-dev \
	bzip2 xz-utils zstd lz4

deps:
	@if ! pkg-config --exists libpcre2-8 zlib liblzma libzstd liblz4 2>/dev/null || [ ! -e /usr/include/mimalloc.h ] \
		|| [ ! -e /usr/include/bzlib.h ] || ! command -v xz >/dev/null || ! command -v bzip2 >/dev/null || ! command -v zstd >/dev/null || ! command -v lz4 >/dev/null; then \
		echo "installing $(DEBIAN_PACKAGES)"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(DEBIAN_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## The self-contained command for installing elsewhere: release, with the Swift runtime, FoundationEssentials and
## libstdc++ linked in (no Swift toolchain needed where it runs; starts in ~3 ms, the `swift build` binary in ~7 ms
## (`backscatter --version`)).
## Result: .build-static/release/backscatter
##
## libstdc++ (the Swift runtime's C++ library) is linked from its archive when the compiler knows where it lies:
## the Swift driver asks for `-lstdc++` by name, so the archive is offered in a directory of its own that the
## linker searches first (`STATIC_CXX_DIR`). Loading the shared libstdc++ (its symbol relocations, its pages)
## was a quarter of the binary's start: empty scan 3.8-4.2 -> 2.9-3.2 ms, sisimai bsd.mbox full 20.7-21.1 ->
## 18.5-20.0 ms (best of 21, `taskset -c 0`, 2026-12-04; outputs identical). Without the archive, the shared
## library as before. (GCC's runtime library exception allows linking libstdc++ into any program.)
STATIC_CXX_DIR := .build-static/static-cxx
## The first full path clang or gcc gives (either prints the bare name when it has no such file); expanded
## only where `dist` uses it, so other targets run no compiler for it.
LIBSTDCXX_ARCHIVE = $(firstword $(foreach cc,clang gcc,$(filter /%,$(shell $(cc) -print-file-name=libstdc++.a 2>/dev/null))))

## For newer CPUs only: `make dist DIST_CPU=haswell` (AVX2, BMI1/2, LZCNT, MOVBE: Intel since 2013, AMD since
## 2015) compiles the Swift and C code for that CPU: 3.8% fewer instructions and 1-3% less time on the sisimai
## bsd20 mbox, outputs identical (2026-12-04, Benchmarks/README). Such a binary stops with an illegal
## instruction on an older CPU, so the default is plain x86-64. Only `haswell` was built and measured; other
## names that `swiftc -target-cpu` and clang's `-march` both take (`znver4`, `skylake`) should work, untried.
DIST_CPU ?=
DIST_CPU_FLAGS = $(if $(DIST_CPU),-Xswiftc -target-cpu -Xswiftc $(DIST_CPU) -Xcc -march=$(DIST_CPU))

## Type metadata reached by direct accessor calls, not by mangled names: a concrete generic type (an array's
## storage of one of our types, an optional tuple) was otherwise made at its first use by demangling its
## name and checking its requirements against every conformance record in the binary (153 types, ~17,000
## instructions each). A quarter of an almost empty scan's instructions (the whole run, three messages:
## 3.28M -> 2.46M), bsd.mbox x3 234.41M -> 232.56M; bsd.mbox 19.8-21.9 -> 18.7-20.5 ms elapsed (`perf stat
## -r 50`, four rounds alternated, 2026-12-06); outputs identical; the binary 0.3% larger. A frontend flag,
## so only here: `unsafeFlags` in Package.swift would stop other packages from depending on this one.
DIST_METADATA_FLAGS = -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors

dist: deps
	@mkdir -p $(STATIC_CXX_DIR)
	@if [ -f "$(LIBSTDCXX_ARCHIVE)" ]; then ln -sf "$(LIBSTDCXX_ARCHIVE)" $(STATIC_CXX_DIR)/libstdc++.a; \
		else rm -f $(STATIC_CXX_DIR)/libstdc++.a; echo "libstdc++.a not found: linking the shared libstdc++"; fi
	$(SWIFT) build -c release --static-swift-stdlib --product backscatter --scratch-path .build-static \
		-Xlinker -L$(CURDIR)/$(STATIC_CXX_DIR) $(DIST_METADATA_FLAGS) $(DIST_CPU_FLAGS)

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
