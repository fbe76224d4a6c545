# cwaku: `make run` starts the node, `make test` runs every test.
# Both install what they need first (scripts/setup.sh, idempotent).

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_SECONDS ?= 30
JOBS       ?= $(shell nproc)
RUN_ARGS   ?= --cluster-id=1 --shard=0
N          ?= 5

.PHONY: all setup build run localnet test unit interop asan fuzz fuzz-run bench format format-check clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

run: setup build
	./$(BUILD)/cwaku-node $(RUN_ARGS)

# N relay nodes on loopback in a random connected topology (Ctrl-C stops).
localnet: setup build
	@bash scripts/localnet.sh $(BUILD) $(N)

# Unit and interop tests on the normal build, then everything again under
# ASan+UBSan (clang) with each fuzz target run for FUZZ_SECONDS. The last
# line printed is ctest's summary of the sanitizer run.
test: setup build format-check
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory asan

$(ASAN_BUILD)/build.ninja:
	CC=clang cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCWAKU_SANITIZE=ON -DCWAKU_FUZZ=ON -DCWAKU_FUZZ_SECONDS=$(FUZZ_SECONDS)

asan: $(ASAN_BUILD)/build.ninja
	cmake $(ASAN_BUILD) -DCWAKU_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	ninja -C $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

interop: setup build
	cd $(BUILD) && ctest --output-on-failure -L interop

# Builds the libFuzzer targets; `make fuzz-run FUZZ_SECONDS=600` runs each.
fuzz: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD) -j $(JOBS)

fuzz-run: fuzz
	cmake $(ASAN_BUILD) -DCWAKU_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	cd $(ASAN_BUILD) && ctest --output-on-failure -L fuzz --timeout $$(( $(FUZZ_SECONDS) + 120 ))

bench: setup build
	@for b in bench/*.sh; do bash $$b $(BUILD); done

# The file list comes from git; an empty list would make clang-format read
# standard input, so it is checked first.
format:
	@f=$$(git ls-files '*.c' '*.h') && [ -n "$$f" ] && clang-format -i $$f </dev/null

format-check:
	@f=$$(git ls-files '*.c' '*.h') && [ -n "$$f" ] && \
	  clang-format --dry-run --Werror $$f </dev/null && echo "format-check: clean"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
