# Media and the line-protocol exit: the C++ medium test and the Go test that
# parses our line protocol with InfluxData's own parser.
#
#   make test-media-cpp       tests/cpp/media_test.cpp under ASan + UBSan
#   make test-line-protocol   tests/go-line-protocol (its own module, which
#                             fetches github.com/influxdata/line-protocol/v2)
#
# The C test (tests/c/test_media.c) runs with the other C tests (mk/c.mk);
# the Rust, Go binding and C# tests with theirs.

.PHONY: test-media-cpp test-line-protocol

TEST_SUITES += test-media-cpp test-line-protocol

$(CPP_OUT)/media_test: tests/cpp/media_test.cpp tests/cpp/check.hpp bindings/c/store.hpp include/store.h | build
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_STRICT) $(CXX_SANITIZE) -Iinclude -Ibindings/c $< $(CPP_LINK) -o $@

test-media-cpp: build $(CPP_OUT)/media_test
	$(CPP_OUT)/media_test

test-line-protocol: build
	cd tests/go-line-protocol && $(GO) test $(call go_tags) -v -count=1 ./...
