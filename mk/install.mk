# Installation and the installed-package test.
#
#   make install PREFIX=/usr/local   headers, libstore.so, libstore.a, the CMake
#                                    package (lib/cmake/store) and store.pc
#   make test-cmake                  install into build/cmake-test/prefix and build
#                                    consumers via find_package and pkg-config
#                                    (hooked into `make test`)

PREFIX ?= /usr/local
STORE_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

.PHONY: install test-cmake

install: build
	cmake -DPREFIX="$(PREFIX)" -DSOURCE_DIR="$(CURDIR)" -DLIB_DIR="$(LIBDIR)" \
		-DVERSION="$(STORE_VERSION)" -P cmake/install.cmake

test-cmake: build
	sh tests/cmake-consumer/run.sh $(BUILD)/cmake-test

test: test-cmake
