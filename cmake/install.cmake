# Installs libstore into a prefix. Run in script mode by `make install`:
#
#   cmake -DPREFIX=/usr/local -DSOURCE_DIR=<repo> -DLIB_DIR=<repo>/build/lib
#         -DVERSION=0.1.0 [-DSTRIP=OFF] -P cmake/install.cmake
#
# Layout: include/store.h, include/store.hpp, lib/libstore.so.MAJOR.MINOR with
# the lib/libstore.so link, lib/libstore.a, lib/libduckdb.so (prebuilt DuckDB),
# lib/cmake/store/storeConfig.cmake + storeConfigVersion.cmake,
# lib/pkgconfig/store.pc, share/doc/store/{README.md,LICENSE}.
#
# The libraries are installed without debug information (objcopy
# --strip-debug: the release build carries it, 30 MB for libstore.so and
# 100 MB for libstore.a) and without the LLVM bitcode rustc embeds in the
# archive's objects (.llvmbc/.llvmcmd, used only by Rust's own LTO; C
# linkers ignore it). Symbol tables stay. LIB_DIR keeps the unstripped
# copies for debugging; -DSTRIP=OFF installs those instead.

cmake_minimum_required(VERSION 3.14)

foreach(var PREFIX SOURCE_DIR LIB_DIR VERSION)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install.cmake: -D${var}=... is required")
  endif()
endforeach()

get_filename_component(PREFIX "${PREFIX}" ABSOLUTE)
set(STORE_VERSION "${VERSION}")

# The libraries Rust's standard library needs when libstore.a is linked into a
# C program on Linux/glibc, as `cargo rustc -- --print native-static-libs`
# reports them for x86_64/aarch64-unknown-linux-gnu. Hard-coded so installing
# never rebuilds the crate with extra flags; re-check after toolchain updates.
set(STORE_NATIVE_STATIC_LIBS "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc")
# DuckDB is C++: its runtime comes along. With the prebuilt DuckDB,
# libduckdb.so is installed beside libstore.so (which finds it through its
# $ORIGIN rpath); static consumers link it too and get an rpath to it.
set(STORE_PC_LIBS_PRIVATE "-lstdc++ ${STORE_NATIVE_STATIC_LIBS}")
set(STORE_NATIVE_STATIC_LIBS "-lstdc++ ${STORE_NATIVE_STATIC_LIBS}")
set(STORE_HAS_DUCKDB_SO FALSE)
if(EXISTS "${LIB_DIR}/libduckdb.so")
  set(STORE_HAS_DUCKDB_SO TRUE)
  file(INSTALL "${LIB_DIR}/libduckdb.so" DESTINATION "${PREFIX}/lib")
  set(STORE_PC_LIBS_PRIVATE "-lduckdb -Wl,-rpath,\${libdir} ${STORE_PC_LIBS_PRIVATE}")
  set(STORE_NATIVE_STATIC_LIBS "-lduckdb ${STORE_NATIVE_STATIC_LIBS}")
endif()
string(REPLACE "-l" "" STORE_NATIVE_STATIC_LIBS_CMAKE "${STORE_NATIVE_STATIC_LIBS}")
string(REPLACE " " ";" STORE_NATIVE_STATIC_LIBS_CMAKE "${STORE_NATIVE_STATIC_LIBS_CMAKE}")

# The SONAME build.rs gives libstore.so: MAJOR.MINOR while 0.x.
string(REGEX MATCH "^[0-9]+\\.[0-9]+" major_minor "${STORE_VERSION}")
set(STORE_SONAME "libstore.so.${major_minor}")

file(INSTALL "${SOURCE_DIR}/include/store.h" "${SOURCE_DIR}/bindings/c/store.hpp"
     DESTINATION "${PREFIX}/include")
if(NOT DEFINED STRIP)
  set(STRIP ON)
endif()
if(STRIP)
  find_program(STORE_OBJCOPY NAMES objcopy llvm-objcopy)
  if(NOT STORE_OBJCOPY)
    message(FATAL_ERROR "install.cmake: objcopy (binutils) is needed to strip debug information; "
                        "install binutils, or pass STRIP=OFF to install the libraries with it")
  endif()
endif()

# Installs one library from LIB_DIR into lib/, stripped of debug information
# unless STRIP is off. objcopy writes a new file, so a program running from
# an earlier installation keeps its mapped copy.
function(install_library name)
  set(dest "${PREFIX}/lib/${name}")
  if(NOT STRIP)
    file(INSTALL "${LIB_DIR}/${name}" DESTINATION "${PREFIX}/lib")
    return()
  endif()
  file(MAKE_DIRECTORY "${PREFIX}/lib")
  message(STATUS "Installing: ${dest} (debug information stripped)")
  execute_process(COMMAND "${STORE_OBJCOPY}" --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd
                          "${LIB_DIR}/${name}" "${dest}.tmp"
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    file(REMOVE "${dest}.tmp")
    message(FATAL_ERROR "install.cmake: ${STORE_OBJCOPY} --strip-debug ${LIB_DIR}/${name} failed: ${err}")
  endif()
  file(RENAME "${dest}.tmp" "${dest}")
endfunction()

install_library("${STORE_SONAME}")
install_library(libstore.a)
file(CREATE_LINK "${STORE_SONAME}" "${PREFIX}/lib/libstore.so" SYMBOLIC)
message(STATUS "Installing: ${PREFIX}/lib/libstore.so -> ${STORE_SONAME}")

set(cmake_dir "${PREFIX}/lib/cmake/store")
configure_file("${SOURCE_DIR}/cmake/storeConfig.cmake.in" "${cmake_dir}/storeConfig.cmake" @ONLY)
message(STATUS "Installing: ${cmake_dir}/storeConfig.cmake")

# 0.x releases may break compatibility at each minor version, so a request for
# 0.1 accepts 0.1.z only. The version file also rejects a 32/64-bit mismatch.
include(CMakePackageConfigHelpers)
execute_process(COMMAND getconf LONG_BIT OUTPUT_VARIABLE long_bits OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(rc EQUAL 0 AND long_bits MATCHES "^[0-9]+$")
  math(EXPR CMAKE_SIZEOF_VOID_P "${long_bits} / 8")
endif()
write_basic_package_version_file("${cmake_dir}/storeConfigVersion.cmake"
  VERSION "${STORE_VERSION}" COMPATIBILITY SameMinorVersion)
message(STATUS "Installing: ${cmake_dir}/storeConfigVersion.cmake")

configure_file("${SOURCE_DIR}/cmake/store.pc.in" "${PREFIX}/lib/pkgconfig/store.pc" @ONLY)
message(STATUS "Installing: ${PREFIX}/lib/pkgconfig/store.pc")

file(INSTALL "${SOURCE_DIR}/README.md" "${SOURCE_DIR}/LICENSE" DESTINATION "${PREFIX}/share/doc/store")
