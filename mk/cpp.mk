# C++ wrapper (bindings/c/store.hpp): its test under AddressSanitizer and
# UBSan, and the C++ Quick Start.
#
#   make test-cpp      build and run both (hooked into `make test`)

CXX ?= c++
CXXFLAGS_STRICT := -std=c++17 -Wall -Wextra -Werror -pedantic
CXX_SANITIZE := -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CPP_OUT := $(BUILD)/cpp
CPP_LINK := -L$(LIBDIR) -lstore -Wl,-rpath,$(LIBDIR)

.PHONY: test-cpp

$(CPP_OUT)/store_test: tests/cpp/store_test.cpp tests/cpp/check.hpp bindings/c/store.hpp include/store.h | build
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_STRICT) $(CXX_SANITIZE) -Iinclude -Ibindings/c $< $(CPP_LINK) -o $@

$(CPP_OUT)/quickstart: examples/cpp/quickstart.cpp bindings/c/store.hpp include/store.h | build
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_STRICT) -O2 -Iinclude -Ibindings/c $< $(CPP_LINK) -o $@

test-cpp: build $(CPP_OUT)/store_test $(CPP_OUT)/quickstart
	$(CPP_OUT)/store_test
	@$(EXPECT_OUTPUT) "C++ quick start output" '$(QUICKSTART_OUTPUT)' $(CPP_OUT)/quickstart

TEST_SUITES += test-cpp
