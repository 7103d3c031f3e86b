# C# binding: built and tested with Mono's mcs/mono (scripts/ensure-mono.sh
# installs mono-devel when missing). bindings/csharp/Store.csproj builds the
# same sources with the .NET SDK.
#
#   make csharp        the library, test program and example under build/csharp
#   make test-csharp   run the tests and the Quick Start (hooked into `make test`)
#
# The native library is found through LD_LIBRARY_PATH=build/lib, set on each
# mono command below (no DllMap, so the assembly carries no machine paths).

CSHARP_OUT := $(BUILD)/csharp
CSHARP_LIB := $(CSHARP_OUT)/Dappco.Store.dll
CSHARP_SRC := $(wildcard bindings/csharp/src/*.cs)
CSHARP_TEST_SRC := $(wildcard bindings/csharp/tests/*.cs)
MCS_FLAGS := -warnaserror -debug
MONO_RUN := LD_LIBRARY_PATH=$(LIBDIR)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} mono --debug

.PHONY: csharp test-csharp ensure-mono

ensure-mono:
	@sh scripts/ensure-mono.sh

$(CSHARP_LIB): $(CSHARP_SRC) | ensure-mono
	@mkdir -p $(CSHARP_OUT)
	mcs $(MCS_FLAGS) -target:library -doc:$(CSHARP_OUT)/Dappco.Store.xml -out:$@ $(CSHARP_SRC)

$(CSHARP_OUT)/StoreTests.exe: $(CSHARP_TEST_SRC) $(CSHARP_LIB)
	mcs $(MCS_FLAGS) -r:$(CSHARP_LIB) -out:$@ $(CSHARP_TEST_SRC)

$(CSHARP_OUT)/Quickstart.exe: examples/csharp/Quickstart.cs $(CSHARP_LIB)
	mcs $(MCS_FLAGS) -r:$(CSHARP_LIB) -out:$@ $<

$(CSHARP_OUT)/MissingLibrary.exe: bindings/csharp/tests/missing-library/MissingLibrary.cs $(CSHARP_LIB)
	mcs $(MCS_FLAGS) -r:$(CSHARP_LIB) -out:$@ $<

csharp: build $(CSHARP_OUT)/StoreTests.exe $(CSHARP_OUT)/Quickstart.exe $(CSHARP_OUT)/MissingLibrary.exe

test-csharp: csharp
	$(MONO_RUN) $(CSHARP_OUT)/StoreTests.exe
	@$(EXPECT_OUTPUT) "C# quick start output" '$(QUICKSTART_OUTPUT)' env $(MONO_RUN) $(CSHARP_OUT)/Quickstart.exe
	@# The loader must not find libstore: an empty directory on the search path.
	@empty=$$(mktemp -d) && LD_LIBRARY_PATH=$$empty mono --debug $(CSHARP_OUT)/MissingLibrary.exe; \
		rc=$$?; rmdir "$$empty"; exit $$rc

TEST_SUITES += test-csharp
