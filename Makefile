# nnscope — the one entry point: make, make run, make test, make bench, make clean.
#
#   nn/    -> libnn.a   (C core: OpenBLAS, zlib, libc)
#   viz/   -> libviz.a  (the window: SDL2, SDL2_ttf, SDL2_image; reads nn/ through nn/view.h)
#   repl/  -> nnscope   (Lua 5.4, readline; links both)

BUILD   := build
CC      ?= cc
OPT     ?= -O3 -march=native
CFLAGS  ?= -g
CFLAGS  += $(OPT) -I. -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -MMD -MP
# No code here reads errno after a math call; without this sqrtf/expf keep a scalar
# errno path and loops using them (Adam's update) do not vectorise: 5x slower steps.
CFLAGS  += -fno-math-errno
DEPS_OK := $(BUILD)/.deps-ok
# Quiet build lines ("  CC nn/dense.c"); make V=1 shows the full commands.
Q       := $(if $(V),,@)

NN_CFLAGS   = $(shell pkg-config --cflags openblas zlib 2>/dev/null)
NN_LIBS     = $(shell pkg-config --libs openblas zlib 2>/dev/null) -lm
VIZ_CFLAGS  = $(shell pkg-config --cflags sdl2 SDL2_ttf SDL2_image 2>/dev/null)
VIZ_LIBS    = $(shell pkg-config --libs sdl2 SDL2_ttf SDL2_image 2>/dev/null)
REPL_CFLAGS = $(shell pkg-config --cflags lua5.4 readline 2>/dev/null)
REPL_LIBS   = $(shell pkg-config --libs lua5.4 readline 2>/dev/null)

NN_SRC   := $(wildcard nn/*.c)
VIZ_SRC  := $(wildcard viz/*.c)
REPL_SRC := $(wildcard repl/*.c)
TEST_SRC := $(wildcard tests/c/*.c) tests/test.c
VIZT_SRC := $(wildcard tests/viz/*.c)

NN_OBJ   := $(NN_SRC:%.c=$(BUILD)/%.o)
VIZ_OBJ  := $(VIZ_SRC:%.c=$(BUILD)/%.o)
REPL_OBJ := $(REPL_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
VIZT_OBJ := $(VIZT_SRC:%.c=$(BUILD)/%.o)

.PHONY: all deps run test test-sanitize fuzz fuzz-smoke fuzz-build bench clean
all: $(BUILD)/nnscope

# Installs missing Debian packages once; re-checked whenever the script changes.
deps: $(DEPS_OK)
$(DEPS_OK): scripts/install-deps.sh
	@mkdir -p $(BUILD)
	@scripts/install-deps.sh
	@touch $@

$(BUILD)/nn/%.o: nn/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(NN_CFLAGS) -c $< -o $@
$(BUILD)/viz/%.o: viz/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(VIZ_CFLAGS) $(NN_CFLAGS) -c $< -o $@
$(BUILD)/repl/%.o: repl/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(REPL_CFLAGS) $(VIZ_CFLAGS) $(NN_CFLAGS) -c $< -o $@
$(BUILD)/tests/%.o: tests/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(VIZ_CFLAGS) $(NN_CFLAGS) -I. -c $< -o $@

$(BUILD)/libnn.a: $(NN_OBJ)
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^
$(BUILD)/libviz.a: $(VIZ_OBJ)
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/nnscope: $(REPL_OBJ) $(BUILD)/libviz.a $(BUILD)/libnn.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(REPL_OBJ) $(BUILD)/libviz.a $(BUILD)/libnn.a \
	    $(REPL_LIBS) $(VIZ_LIBS) $(NN_LIBS)
$(BUILD)/test_nn: $(TEST_OBJ) $(BUILD)/libnn.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libnn.a $(NN_LIBS)
$(BUILD)/test_viz: $(VIZT_OBJ) $(BUILD)/tests/test.o $(BUILD)/libviz.a $(BUILD)/libnn.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(VIZT_OBJ) $(BUILD)/tests/test.o $(BUILD)/libviz.a $(BUILD)/libnn.a \
	    $(VIZ_LIBS) $(NN_LIBS)

run: $(BUILD)/nnscope
	./$(BUILD)/nnscope

test: $(BUILD)/nnscope $(BUILD)/test_nn $(if $(VIZT_SRC),$(BUILD)/test_viz)
	@tests/run.sh

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (leak checks
# on), built into its own directory so it never mixes with the normal build. Not part of
# `make test`. Suppressions for third-party leaks at exit: tests/lsan.supp.
SAN_BUILD := build-san
SAN_OPT   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
test-sanitize:
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) OPT="$(SAN_OPT)" \
	    $(SAN_BUILD)/nnscope $(SAN_BUILD)/test_nn $(if $(VIZT_SRC),$(SAN_BUILD)/test_viz)
	@BUILD_DIR=$(SAN_BUILD) tests/run.sh

# libFuzzer targets tests/fuzz/fuzz_*.c (clang: scripts/install-deps.sh --fuzz), built
# with ASan + UBSan into their own directory. `make fuzz FUZZ_SECONDS=60` runs each for
# that long; `make fuzz-smoke` runs each for 20 s. tests/fuzz/run.sh says how.
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_OPT     := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=all
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/libnn.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NN_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libnn.a $(NN_LIBS)
# The table-to-tensor target links the Lua tensor bindings and Lua itself.
$(BUILD)/fuzz/fuzz_tensor_table: tests/fuzz/fuzz_tensor_table.c tests/fuzz/fuzz.h \
                                 $(BUILD)/repl/lua_tensor.o $(BUILD)/libnn.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(REPL_CFLAGS) $(NN_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(BUILD)/repl/lua_tensor.o $(BUILD)/libnn.a $(REPL_LIBS) $(NN_LIBS)
fuzz-build: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
fuzz:
	@scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang OPT="$(FUZZ_OPT)" fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

# The benchmark's C side links libnn.a alone (no Lua, no SDL).
$(BUILD)/bench_nn: bench/bench_nn.c $(BUILD)/libnn.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(NN_CFLAGS) -o $@ $< $(BUILD)/libnn.a $(NN_LIBS)

bench: $(BUILD)/nnscope $(BUILD)/bench_nn
	@scripts/install-deps.sh --bench
	@scripts/bench.sh

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)

-include $(NN_OBJ:.o=.d) $(VIZ_OBJ:.o=.d) $(REPL_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(VIZT_OBJ:.o=.d)
