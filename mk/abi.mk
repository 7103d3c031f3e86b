# The shared library's exported surface: every dynamic symbol it defines is
# part of the C ABI, so each must carry the store_ prefix.
#
#   make test-abi   fails listing any exported symbol without the prefix

.PHONY: test-abi

TEST_SUITES += test-abi

test-abi: build
	@bad=$$(nm -D --defined-only $(LIBDIR)/libstore.so | awk '{print $$3}' | grep -v '^store_' || true); \
	if [ -n "$$bad" ]; then echo "[FAIL] exported symbols outside the store_ prefix:"; echo "$$bad"; exit 1; fi; \
	echo "[pass] libstore.so exports $$(nm -D --defined-only $(LIBDIR)/libstore.so | wc -l) symbols, all store_*"
