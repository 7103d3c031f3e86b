/*
 * C shims for the Go ImportAll binding (import.go): the trampolines from
 * the library's callbacks to the exported Go functions (import_callbacks.go),
 * with the Go state travelling as a cgo handle in user_data.
 */
#ifndef STORE_GO_IMPORT_SHIMS_H
#define STORE_GO_IMPORT_SHIMS_H
#include "shims.h"

extern int32_t goImportScp(uintptr_t h, uint8_t *remote, size_t remote_len, uint8_t *local, size_t local_len, store_import_call *call);
extern int32_t goImportScpDir(uintptr_t h, uint8_t *remote, size_t remote_len, uint8_t *local, size_t local_len, store_import_call *call);
extern void goImportWrite(uintptr_t h, uint8_t *text, size_t len);

static int32_t gi_scp(void *u, const uint8_t *r, size_t rn, const uint8_t *l, size_t ln, store_import_call *c) {
	return goImportScp((uintptr_t)u, (uint8_t *)r, rn, (uint8_t *)l, ln, c);
}
static int32_t gi_scp_dir(void *u, const uint8_t *r, size_t rn, const uint8_t *l, size_t ln, store_import_call *c) {
	return goImportScpDir((uintptr_t)u, (uint8_t *)r, rn, (uint8_t *)l, ln, c);
}
static void gi_write(void *u, const uint8_t *t, size_t n) { goImportWrite((uintptr_t)u, (uint8_t *)t, n); }

static go_res go_duckdb_import_all(void *db, int skip_m3, _GoString_ data_dir, _GoString_ m3_host, int scp, int scp_dir,
                                   uintptr_t state) {
	store_import_config config;
	uint32_t status = store_import_config_init(&config, sizeof config);
	if (status != STORE_OK) return go_status(status);
	config.skip_m3 = skip_m3 != 0;
	config.data_dir = (store_slice){ GS(data_dir) };
	config.m3_host = (store_slice){ GS(m3_host) };
	config.scp = scp ? gi_scp : NULL;
	config.scp_dir = scp_dir ? gi_scp_dir : NULL;
	return go_status(store_duckdb_import_all((store_duckdb *)db, &config, gi_write, (void *)state));
}

#endif
