# Installation and the installed-package test.
#
#   make install PREFIX=/usr/local   headers, libstore.so, libstore.a (without
#                                    debug information; STRIP=OFF keeps it), the
#                                    CMake package (lib/cmake/store), store.pc,
#                                    and README.md + LICENSE in share/doc/store
#   make test-cmake                  install into build/cmake-test/prefix and build
#                                    consumers via find_package and pkg-config
#                                    (hooked into `make test`)

PREFIX ?= /usr/local
STRIP ?= ON
STORE_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

.PHONY: install test-cmake

install: build
	cmake -DPREFIX="$(PREFIX)" -DSOURCE_DIR="$(CURDIR)" -DLIB_DIR="$(LIBDIR)" \
		-DVERSION="$(STORE_VERSION)" -DSTRIP="$(STRIP)" -P cmake/install.cmake

test-cmake: build
	sh tests/cmake-consumer/run.sh $(BUILD)/cmake-test

TEST_SUITES += test-cmake
